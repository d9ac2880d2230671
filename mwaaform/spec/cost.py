"""What an environment and a stack are expected to cost: usage assumptions and budgets.

The estimate (``mwaaform cost``) prices what the plan creates; what the plan cannot know (how many
extra workers run on average, GB of traffic and logs) comes from these fields, recorded in the
plan as the ``cost`` stack output. Defaults describe a small, quiet environment: set them from
your CloudWatch metrics (``NumAdditionalWorkers``, NAT and endpoint ``BytesProcessed``, log
``IncomingBytes``) for an estimate that means something.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mwaaform.spec.base import SpecModel
from mwaaform.spec.values import DataClassification

Egress = Literal["single_nat", "nat_per_az", "endpoints_only"]
USD = "US dollars a month"


class EnvironmentCost(SpecModel):
    """Usage assumptions behind an environment's monthly estimate, and its optional budget."""

    budget: float | None = Field(
        default=None, gt=0, allow_inf_nan=False, description=f"Monthly budget in {USD}; the `cost-within-budget` policy flags an estimate above it (advisory)."
    )
    extra_workers: float = Field(
        default=0, ge=0, le=25, allow_inf_nan=False, description="Average number of workers running above `workers.min` over the month (autoscaling)."
    )
    extra_webservers: float = Field(
        default=0, ge=0, le=5, allow_inf_nan=False, description="Average number of web servers running above `webservers.min` over the month."
    )
    traffic_gb: float = Field(
        default=50,
        ge=0,
        allow_inf_nan=False,
        description="GB a month the environment moves through the NAT gateways or interface endpoints (ECR images, logs, "
        "metrics, queues, the DAGs' AWS calls). S3 goes through the free gateway endpoint and does not count.",
    )
    log_gb: float = Field(default=5, ge=0, allow_inf_nan=False, description="GB of logs a month the environment sends to its five log groups.")
    database_gb: float = Field(default=10, ge=0, allow_inf_nan=False, description="Size of the metadata database in GB (DAG run history, XComs).")


class StackCost(SpecModel):
    """The stack's monthly budget and the usage of what the environments share."""

    budget: float | None = Field(
        default=None, gt=0, allow_inf_nan=False, description=f"Monthly budget of the whole stack in {USD}; the `cost-within-budget` policy flags an estimate above it."
    )
    flow_log_gb: float = Field(default=5, ge=0, allow_inf_nan=False, description="GB of VPC flow logs a month (when `network.flow_logs` is on).")


class AutoEgress(SpecModel):
    """The organisation's rules for `egress: auto` (set them in the stage defaults)."""

    allowed: list[Egress] = Field(
        default_factory=lambda: ["single_nat", "nat_per_az", "endpoints_only"],
        min_length=1,
        description="Choices `auto` may pick from; it picks the cheapest at the environments' `cost.traffic_gb`. "
        "The prod stage default leaves out `single_nat` (a single point of failure).",
    )
    no_internet_for: list[DataClassification] = Field(
        default_factory=lambda: ["restricted"],
        description="Data classifications (`tags.DataClassification`) that must have no internet path: `auto` picks `endpoints_only`.",
    )
