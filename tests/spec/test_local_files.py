"""No spec can make the plan read a file outside its project: every local file is checked."""

from __future__ import annotations

import os

import pytest

from mwaaform.spec.loader import load
from tests.conftest import MINIMAL


def errors(path) -> list[str]:
    return [str(d) for d in load([path]).errors]


@pytest.fixture
def project(tmp_path):
    """A project root (Pulumi.yaml) with the spec in environments/ and a secret outside it."""
    root = tmp_path / "project"
    (root / "environments" / "files").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: x\n")
    (root / "shared").mkdir()
    (root / "shared" / "requirements.txt").write_text("requests==2.32.3\n")
    (root / "environments" / "files" / "requirements.txt").write_text("requests==2.32.3\n")
    (tmp_path / "secret.txt").write_text("password\n")
    return root


def spec_with(project, value: str):
    path = project / "environments" / "stack.yaml"
    path.write_text(MINIMAL + f"    requirements: {value}\n")
    return path


@pytest.mark.parametrize("value", ["files/requirements.txt", "../shared/requirements.txt", "./files/../files/requirements.txt"])
def test_files_in_the_spec_folder_or_project_are_accepted(project, value):
    assert errors(spec_with(project, value)) == []


@pytest.mark.parametrize("value", ["../../secret.txt", "../../../../../../etc/passwd"])
def test_relative_paths_out_of_the_project_are_refused(project, value):
    found = errors(spec_with(project, value))
    assert len(found) == 1 and "stack.yaml:16:5 environments[0].requirements:" in found[0]
    assert "outside the spec's folder and the project root" in found[0] or "not found" in found[0]


def test_absolute_paths_are_refused(project):
    inside = project / "environments" / "files" / "requirements.txt"
    for value in (str(inside), "/etc/passwd", "~/x"):
        (found,) = errors(spec_with(project, value))
        assert "relative to the spec file" in found


def test_symlinks_out_of_the_project_are_refused(project, tmp_path):
    os.symlink(tmp_path / "secret.txt", project / "environments" / "files" / "link.txt")
    (found,) = errors(spec_with(project, "files/link.txt"))
    assert "resolves to" in found and "secret.txt" in found and "outside" in found
    os.symlink(tmp_path, project / "environments" / "up")
    (found,) = errors(spec_with(project, "up/secret.txt"))
    assert "outside" in found


def test_symlinks_inside_the_project_are_followed(project):
    os.symlink(project / "shared" / "requirements.txt", project / "environments" / "files" / "shared.txt")
    assert errors(spec_with(project, "files/shared.txt")) == []


def test_folders_and_oversized_files_are_refused(project):
    (found,) = errors(spec_with(project, "files"))
    assert "not a regular file" in found
    big = project / "environments" / "files" / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(1_000_001)
    (found,) = errors(spec_with(project, "files/big.txt"))
    assert "1,000,001 bytes, more than the 1,000,000 allowed" in found


def test_outside_files_are_not_read_by_the_offline_rule(project, tmp_path):
    spec = spec_with(project, "../../secret.txt").read_text().replace("cidr: 10.0.0.0/16", "cidr: 10.0.0.0/16\n    egress: endpoints_only")
    path = project / "environments" / "stack.yaml"
    path.write_text(spec)
    found = errors(path)
    assert all("--no-index" not in m for m in found) and any("outside" in m for m in found)


def test_every_local_path_field_is_checked():
    from mwaaform.spec.rules import _local_file_fields

    assert set(_local_file_fields()) >= {"requirements", "plugins", "startup_script"}


@pytest.mark.parametrize("field", ["plugins", "startup_script"])
def test_other_file_fields_are_confined_too(project, field):
    path = project / "environments" / "stack.yaml"
    path.write_text(MINIMAL + f"    {field}: ../../secret.txt\n")
    (found,) = errors(path)
    assert f"environments[0].{field}:" in found and "outside" in found
