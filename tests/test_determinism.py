"""The pure modules give the same output in every process, whatever its string hash seed.

Python randomises the iteration order of sets of strings per process (PYTHONHASHSEED), so
comparing two calls in one process proves nothing: a set leaking into a name, a policy or a
message shows only across processes. Each process below computes the same outputs and prints
them; all must be identical.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json
import pathlib

import yaml

from mwaaform import naming
from mwaaform.alarms import alarm_definitions, topic_policy
from mwaaform.iam.documents import execution_role_policy, key_policy
from mwaaform.iam.grants import compile_grants, data_arn_problem, resource_problem
from mwaaform.spec.access import Access
from mwaaform.spec.alarms import Alarms
from mwaaform.spec.models import StackSpec
from mwaaform.spec.rules import RuleContext, check
from mwaaform.tags import stack_tags
from tests.conftest import MINIMAL

access = Access.model_validate({
    "data": [
        {"name": "lake", "read": ["arn:aws:s3:::lake/b/*", "arn:aws:s3:::lake/a/*"], "write": ["arn:aws:s3:::lake/out/*"],
         "list": ["arn:aws:s3:::lake"], "exclude": ["s3:ReplicateObject", "s3:PutObjectLegalHold"]},
        {"name": "jobs", "write": ["arn:aws:sqs:us-east-1:111122223333:jobs", "arn:aws:sns:us-east-1:111122223333:alerts"]},
    ],
    "secrets": {"config_prefix": "airflow/config"},
    "assume_roles": ["arn:aws:iam::444455556666:role/b", "arn:aws:iam::444455556666:role/a"],
    "statements": [{"sid": "athena", "actions": ["athena:StartQueryExecution", "athena:GetQueryExecution"],
                    "resources": ["arn:aws:athena:us-east-1:111122223333:workgroup/primary"]}],
})
data = yaml.safe_load(MINIMAL)
data["tags"].update({"Zeta": "1", "Alpha": "2", "Environment": "x", "aws:x": "y"})
data["environments"].append({"name": "Sample-Dev", "team": "t", "stage": "dev", "schedulers": 1, "plugins": "missing.zip"})
spec = StackSpec.model_validate(data)
out = {
    "names": [naming.bucket_name("Etl_Prod", "111122223333", "eu-west-1"), naming.role_name("e" * 80, "eu-west-1"),
              naming.policy_name("etl", "eu-west-1", "grants-1"), naming.stack_key_alias("prod.data")],
    "documents": [execution_role_policy("etl", "111122223333", "eu-west-1", "b", None), key_policy("111122223333", "eu-west-1")],
    "grants": compile_grants(access, env="etl", account_id="111122223333", region="us-east-1"),
    "services": access.services(),
    "problems": [data_arn_problem("arn:aws:s3:us-east-1:111122223333:raw", "List"),
                 resource_problem("s3:GetObject", "*")],
    "alarms": [repr(d) for d in alarm_definitions("etl", Alarms(enabled=True, emails=["ops@example.com"]))],
    "topic": topic_policy("arn:aws:sns:us-east-1:111122223333:t", "111122223333", "arn:aws:cloudwatch:us-east-1:111122223333:alarm:etl-"),
    "tags": list(stack_tags(spec, "dev").items()),
    "rules": [(i.loc, i.message, i.severity) for i in check(spec, RuleContext(base_dir=pathlib.Path(".")))],
}
print(json.dumps(out))
"""


def test_names_documents_grants_alarms_tags_and_rule_messages_do_not_depend_on_the_hash_seed():
    runs = [
        subprocess.Popen([sys.executable, "-c", SCRIPT], cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for seed in ("1", "2", "3")
    ]
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert '"rules": [' in outputs[0] and "DataLakeReadS3Object" in outputs[0]  # the script computed everything
