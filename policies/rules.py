"""The policy rules of the mwaaform pack, as plain validator functions.

Each rule is a ``<rule>_validator(args, report_violation)`` function in a module by concern
(:mod:`storage`, :mod:`iam`, :mod:`network`, :mod:`mwaa`, :mod:`alarms`), listed in
:data:`POLICIES` with its kebab-case name, default enforcement level and configuration schema.
The pack's entry point (``__main__.py``) turns the list into CrossGuard policies; ``mwaaform
plan`` runs the same functions offline (``mwaaform/plan/review.py``).

Imports are relative and the standard library only, so the pack loads under any folder name
with only pulumi-policy installed.
"""

from __future__ import annotations

from . import iam, mwaa, network, storage
from .alarms import POLICY as PROD_ALARMS
from .budget import POLICY as BUDGET
from .base import PROD_STAGES, Rule

# Mandatory rules hold for every example stack. Advisory ones are advisory on purpose: the
# customer-managed key, logs and alarms are per-environment choices; sizing is a cost hint; a
# single NAT gateway is a cost-versus-availability trade-off.
POLICIES: list[Rule] = [
    # S3
    Rule("s3-public-access-block", "Public access blocks set all four flags.", "resource", storage.bucket_public_access_block_validator),
    Rule("s3-bucket-has-public-access-block", "Every bucket has a public access block.", "stack",
         storage.buckets_have_public_access_block_validator),
    Rule("s3-bucket-versioning", "Every bucket is versioned.", "stack", storage.bucket_versioning_validator),
    Rule("s3-bucket-encryption", "Every bucket has default encryption.", "stack", storage.bucket_encryption_validator),
    Rule("s3-bucket-tls-only", "Every bucket policy denies requests without TLS.", "stack", storage.bucket_tls_only_validator),
    Rule("s3-noncurrent-version-expiration", "Versioned buckets expire noncurrent versions.", "stack",
         storage.bucket_noncurrent_versions_validator),
    # KMS and logs
    Rule("kms-key-rotation", "Customer-managed keys rotate.", "resource", storage.kms_key_rotation_validator),
    Rule("log-group-retention", "Every CloudWatch log group has a retention of at least its stage's floor.", "resource",
         storage.log_group_retention_validator, config=storage.RETENTION_CONFIG),
    # IAM
    Rule("iam-no-wildcard-actions", "IAM policies allow no '*' or 'service:*' action.", "resource", iam.iam_no_wildcard_actions_validator),
    Rule("iam-no-wildcard-resources", "IAM policies allow Resource '*' only for actions without resource-level permissions.",
         "resource", iam.iam_no_wildcard_resources_validator, config=iam.WILDCARD_RESOURCE_CONFIG),
    Rule("mwaa-execution-role-trust", "MWAA's trust names the environment (aws:SourceArn) and the account (aws:SourceAccount).",
         "resource", iam.mwaa_execution_role_trust_validator),
    # Network
    Rule("sg-no-public-ingress", "No security group admits ingress from 0.0.0.0/0 or ::/0.", "resource", network.sg_no_public_ingress_validator),
    Rule("sg-descriptions", "Security groups and their rules have descriptions.", "resource", network.sg_descriptions_validator),
    Rule("vpc-flow-logs", "VPCs of the configured stages record flow logs.", "stack", network.vpc_flow_logs_validator,
         config=network.FLOW_LOGS_CONFIG),
    Rule("vpc-default-security-group-locked", "Every VPC's default security group is managed and has no rules.", "stack",
         network.vpc_default_security_group_locked_validator),
    Rule("vpc-endpoints-only-no-internet", "VPCs reaching MWAA through endpoints have no internet gateway, NAT or default route.",
         "stack", network.vpc_endpoints_only_no_internet_validator),
    Rule("prod-single-nat", "Prod VPCs do not depend on a single NAT gateway (a NAT gateway in each AZ the environments use).", "stack", network.prod_single_nat_validator,
         "advisory", PROD_STAGES),
    # MWAA
    Rule("mwaa-logs-enabled", "All five MWAA log types are on.", "resource", mwaa.mwaa_logs_enabled_validator, "advisory"),
    Rule("mwaa-prod-private-webserver", "Prod web servers are private.", "resource", mwaa.mwaa_prod_private_webserver_validator,
         config=PROD_STAGES),
    Rule("mwaa-prod-customer-key", "Prod environments use a customer-managed key.", "resource", mwaa.mwaa_prod_customer_key_validator,
         "advisory", PROD_STAGES),
    Rule("mwaa-prod-protected", "Prod environments are protected from deletion and replacement.", "resource",
         mwaa.mwaa_prod_protected_validator, config=PROD_STAGES),
    Rule("mwaa-supported-airflow-version", "Environments run an Airflow version MWAA supports.", "resource",
         mwaa.mwaa_supported_airflow_version_validator, config=mwaa.VERSION_CONFIG),
    Rule("mwaa-stage-sizing", "Environment classes and worker counts stay within their stage's limits.", "resource",
         mwaa.mwaa_stage_sizing_validator, "advisory", mwaa.SIZING_CONFIG),
    Rule("sns-topic-encryption", "Alarm topics of environments with a customer-managed key are encrypted.", "stack",
         mwaa.sns_topic_encryption_validator),
    Rule(PROD_ALARMS["name"], PROD_ALARMS["description"], "stack", PROD_ALARMS["validate"], PROD_ALARMS["enforcement_level"],
         PROD_ALARMS["config"]),
    # Cost (advisory; needs mwaaform in the pack's virtualenv, see policies/README.md)
    Rule(BUDGET["name"], BUDGET["description"], "stack", BUDGET["validate"], BUDGET["enforcement_level"]),
    # Tags
    Rule("required-tags", "Every taggable resource carries the required tags.", "resource", mwaa.required_tags_validator,
         config=mwaa.TAGS_CONFIG),
]

BY_NAME: dict[str, Rule] = {rule.name: rule for rule in POLICIES}
