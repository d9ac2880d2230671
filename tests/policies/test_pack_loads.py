"""The pack loads the way the Pulumi CLI loads a published Python pack: copied into a folder with
another name, run as ``python -m pulumi.policy ENGINE_ADDRESS .`` in that folder, then asked over
gRPC for its policies and to analyze a resource (with a configuration, as ``--policy-pack-config``
sends it)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from policies.rules import POLICIES

PACK = Path(__file__).resolve().parents[2] / "policies"
# As the CLI runs it; `policies` is made unimportable so that an import by the source folder's
# name (which a published pack does not have) fails here as it would there.
LAUNCH = (
    "import runpy, sys; sys.modules['policies'] = None; sys.argv = ['pulumi.policy', '127.0.0.1:1', '.'];"
    " runpy.run_module('pulumi.policy', run_name='__main__', alter_sys=True)"
)


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory):
    folder = tmp_path_factory.mktemp("installed") / "mwaaform-0.2.0"
    shutil.copytree(PACK, folder, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    process = subprocess.Popen([sys.executable, "-u", "-c", LAUNCH], cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = process.stdout.readline().strip()
        assert port.isdigit(), f"the pack did not start: {port!r} {process.stderr.read() if process.poll() is not None else ''}"
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
        process.stderr.close()


def test_the_copy_reports_every_rule_with_its_level_and_schema(analyzer):
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    assert info.name == "mwaaform"
    levels = {p.name: analyzer_pb2.EnforcementLevel.Name(p.enforcementLevel).lower() for p in info.policies}
    assert levels == {rule.name: rule.enforcement_level for rule in POLICIES}
    schemas = {p.name: set(p.configSchema.properties) for p in info.policies}
    assert schemas["log-group-retention"] == {"minimumRetentionDays"}
    assert schemas["mwaa-stage-sizing"] == {"allowedClasses", "maxWorkers"}
    assert schemas["required-tags"] == {"requiredTags"}
    assert schemas["mwaa-prod-private-webserver"] == {"prodStages"}


def test_the_copy_analyzes_with_the_configured_floor(analyzer):
    config = struct_pb2.Struct()
    config.update({"minimumRetentionDays": {"prod": 400}})
    analyzer.Configure(
        analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={"log-group-retention": analyzer_pb2.PolicyConfig(
            enforcementLevel=analyzer_pb2.MANDATORY, properties=config)}),
        timeout=30,
    )
    props = struct_pb2.Struct()
    props.update({"name": "airflow-x-Task", "retentionInDays": 365, "tags": {"Environment": "prod"}})
    urn = "urn:pulumi:s::mwaaform::aws:cloudwatch/logGroup:LogGroup::x"
    response = analyzer.Analyze(analyzer_pb2.AnalyzeRequest(type="aws:cloudwatch/logGroup:LogGroup", properties=props, urn=urn, name="x"), timeout=30)
    # The CLI's message is the policy's description, then the violation.
    found = {d.policyName: (analyzer_pb2.EnforcementLevel.Name(d.enforcementLevel), d.message.splitlines()[-1]) for d in response.diagnostics}
    assert found["log-group-retention"] == ("MANDATORY", "log group airflow-x-Task keeps logs 365 days, fewer than the 400 required in stage prod")


def test_the_pack_has_a_version():
    manifest = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())
    assert manifest["version"].count(".") == 2 and manifest["runtime"]["name"] == "python"


def test_rule_modules_import_only_the_standard_library_and_each_other():
    """The pack's virtualenv has pulumi-policy only: rule modules may not import mwaaform, pulumi or a folder name."""
    for module in PACK.glob("*.py"):
        tree = ast.parse(module.read_text())
        imports = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        imports += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0]
        outside = [name for name in imports if name.split(".")[0] not in sys.stdlib_module_names]
        # budget.py prices the plan with mwaaform when the pack's virtualenv has it, and checks nothing otherwise.
        allowed = {"pack.py": {"pulumi_policy"}, "__main__.py": {"pulumi_policy"}, "budget.py": {"mwaaform.cost.estimate"}}.get(module.name, set())
        assert set(outside) <= allowed, f"{module.name} imports {outside}"

