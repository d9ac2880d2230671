"""The examples' shipped files would work on MWAA: a requirements.txt that installs offline
from the plugins folder finds every wheel it needs inside the environment's plugins.zip."""

from __future__ import annotations

import email.parser
import re
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from mwaaform.spec.loader import load

ROOT = Path(__file__).resolve().parents[1]
# MWAA unpacks plugins.zip here: https://docs.aws.amazon.com/mwaa/latest/userguide/best-practices-dependencies.html
PLUGINS_DIR = "/usr/local/airflow/plugins"
# What MWAA preinstalls that the shipped wheels may rely on (Airflow 2.10.3:
# https://docs.aws.amazon.com/mwaa/latest/userguide/connections-packages.html).
PREINSTALLED = {"apache-airflow", "apache-airflow-providers-common-sql"}
# MWAA runs CPython 3.11 on x86_64 Linux for Airflow 2.10.
COMPATIBLE_TAGS = re.compile(r"^(py3|py2\.py3|cp311)-(none|abi3|cp311)-(any|manylinux\w*_x86_64)$")


def offline_environments():
    result = load([ROOT / "environments"])
    assert result.ok, result.diagnostics
    for stack in result.stacks:
        for env in stack.spec.environments:
            if env.requirements is None:
                continue
            requirements = (stack.path.parent / env.requirements).read_text()
            if f"--find-links {PLUGINS_DIR}" in requirements:
                yield pytest.param(stack.path.parent, env, requirements, id=env.name)


def requirement_lines(text: str) -> list[Requirement]:
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


@pytest.mark.parametrize(("base", "env", "requirements"), list(offline_environments()))
def test_every_offline_requirement_has_its_wheel_in_plugins_zip(base, env, requirements):
    assert env.plugins, f"{env.name} installs from the plugins folder but ships no plugins.zip"
    with zipfile.ZipFile(base / env.plugins) as archive:
        names = archive.namelist()
        wheels = {}
        for name in names:
            if name.endswith(".whl"):
                project, version, _build, tags = parse_wheel_filename(name)
                assert any(COMPATIBLE_TAGS.match(str(tag)) for tag in tags), f"{name}: not installable on MWAA's Python 3.11 x86_64"
                with zipfile.ZipFile(archive.open(name)) as wheel:
                    metadata_name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
                    metadata = email.parser.Parser().parsestr(wheel.read(metadata_name).decode())
                wheels[project] = (version, metadata.get_all("Requires-Dist") or [])
        constraints = {}
        if "--constraint" in requirements and f"{PLUGINS_DIR}/constraints.txt" in requirements:
            assert "constraints.txt" in names
            constraints = {canonicalize_name(r.name): r for r in requirement_lines(archive.read("constraints.txt").decode())}
    wanted = requirement_lines(requirements)
    assert wanted, "no requirement to check"
    for requirement in wanted:
        assert canonicalize_name(requirement.name) in wheels, f"{requirement.name}: no wheel in {env.plugins}"
    # Every dependency of a shipped wheel is shipped too, or preinstalled by MWAA.
    for project, (version, requires) in wheels.items():
        for line in requires:
            dependency = Requirement(line)
            if dependency.marker and "extra" in str(dependency.marker):
                continue
            name = canonicalize_name(dependency.name)
            assert name in wheels or name in PREINSTALLED, f"{project} needs {dependency}: neither shipped nor preinstalled"
            if name in wheels:
                assert dependency.specifier.contains(str(wheels[name][0])), f"{project} needs {dependency}, ships {wheels[name][0]}"
        if constraints:
            assert constraints[project].specifier.contains(str(version)), f"constraints.txt does not pin {project} {version}"
