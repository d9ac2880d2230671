"""A Mermaid flowchart of one stack's architecture, with what a change touches highlighted.

Drawn from a recorded plan: the VPC and its subnets per availability zone, the way out (NAT
gateways and the internet gateway, or VPC endpoints), and each environment with its bucket, key,
execution role, log groups and alarms. Nodes take the class of the most serious change among the
resources they stand for. Syntax: https://mermaid.js.org/syntax/flowchart.html
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mwaaform.plan.model import Plan, RecordedResource
from mwaaform.review.diff import StackDiff, environment_owners, physical_name

# An import changes nothing in the account (it adopts what is there): the least serious change.
SEVERITY = {"import": 1, "create": 2, "update": 3, "replace": 4, "delete": 5}
STYLES = {
    "import": "fill:#e1effe,stroke:#0366d6,stroke-width:2px",
    "create": "fill:#e6ffed,stroke:#22863a,stroke-width:2px",
    "update": "fill:#fff5b1,stroke:#b08800,stroke-width:2px",
    "replace": "fill:#ffdce0,stroke:#cb2431,stroke-width:3px",
    "delete": "fill:#ffdce0,stroke:#cb2431,stroke-width:3px,stroke-dasharray:5 5",
}
ENV_PARTS = [
    ("aws:s3/bucket:Bucket", "bucket", "[(", ")]"),
    ("aws:kms/key:Key", "KMS key", "{{", "}}"),
    ("aws:iam/role:Role", "execution role", "[/", "/]"),
    ("aws:cloudwatch/logGroup:LogGroup", "log groups", "[", "]"),
    ("aws:cloudwatch/metricAlarm:MetricAlarm", "alarms", "[", "]"),
]


def _label(*lines: str) -> str:
    text = "<br/>".join(line for line in lines if line)
    for char, entity in (("&", "#amp;"), ('"', "#quot;"), ("<br/>", "\x00"), ("<", "#lt;"), (">", "#gt;"), ("\x00", "<br/>")):
        text = text.replace(char, entity)
    return f'"{text}"'


class _Chart:
    def __init__(self, ops: Mapping[str, str]):
        self.ops = ops
        self.lines = ["flowchart LR"]
        self.classes: dict[str, list[str]] = {}
        self.count = 0
        self.node_of: dict[str, str] = {}

    def node(self, resources: Iterable[RecordedResource], label: str, shape: tuple[str, str] = ("[", "]"), indent: int = 1) -> str:
        self.count += 1
        node = f"n{self.count}"
        self.lines.append("  " * indent + f"{node}{shape[0]}{label}{shape[1]}")
        worst = None
        for r in resources:
            self.node_of[r.urn] = node
            op = self.ops.get(r.urn)
            if op and (worst is None or SEVERITY[op] > SEVERITY[worst]):
                worst = op
        if worst:
            self.classes.setdefault(worst, []).append(node)
        return node

    def open(self, title: str, indent: int = 1) -> None:
        self.count += 1
        self.lines.append("  " * indent + f"subgraph g{self.count}[{_label(title)}]")

    def close(self, indent: int = 1) -> None:
        self.lines.append("  " * indent + "end")

    def text(self) -> str:
        for op in SEVERITY:
            if op in self.classes:
                self.lines.append(f"  classDef {op} {STYLES[op]}")
                self.lines.append(f"  class {','.join(self.classes[op])} {op}")
        return "\n".join(self.lines) + "\n"


def diagram(plan: Plan, diff: StackDiff | None = None) -> str:
    """The Mermaid source of ``plan``'s architecture; ``diff`` marks what changes."""
    ops = {c.urn: c.op for c in diff.changes} if diff else {}
    chart = _Chart(ops)
    subnets_by_id: dict[str, str] = {}
    vpcs = plan.of_type("aws:ec2/vpc:Vpc")
    for vpc in vpcs:
        chart.open(f"VPC {vpc.inputs.get('cidrBlock', '')}")
        by_az: dict[str, list[RecordedResource]] = {}
        for subnet in plan.of_type("aws:ec2/subnet:Subnet"):
            by_az.setdefault(str(subnet.inputs.get("availabilityZone", "")), []).append(subnet)
        for az in sorted(by_az):
            chart.open(az, 2)
            for subnet in by_az[az]:
                kind = "public" if "public" in subnet.name else "private"
                node = chart.node([subnet], _label(f"{kind} subnet", str(subnet.inputs.get("cidrBlock", ""))), indent=3)
                if subnet.id:
                    subnets_by_id[subnet.id] = node
            chart.close(2)
        endpoints = plan.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
        if endpoints:
            prefix = f"com.amazonaws.{plan_region(plan)}."
            services = sorted(str(e.inputs.get("serviceName", "")).removeprefix(prefix) for e in endpoints)
            chart.node(endpoints, _label(f"{len(endpoints)} VPC endpoints", ", ".join(services)), indent=2)
        nats = plan.of_type("aws:ec2/natGateway:NatGateway")
        if nats:
            nat = chart.node(nats, _label(f"{len(nats)} NAT gateway{'s' if len(nats) > 1 else ''}"), indent=2)
        chart.close()
        igws = plan.of_type("aws:ec2/internetGateway:InternetGateway")
        if igws:
            igw = chart.node(igws, _label("internet gateway"), ("((", "))"))
            if nats:
                chart.lines.append(f"  {nat} --> {igw}")
        else:
            chart.node([], _label("no internet path"), ("((", "))"))
    flow_logs = plan.of_type("aws:ec2/flowLog:FlowLog")
    if flow_logs:
        chart.node(flow_logs, _label("VPC flow logs"))

    owners = environment_owners(plan)
    for env in plan.of_type("aws:mwaa/environment:Environment"):
        name = str(env.inputs.get("name", env.name))
        chart.open(f"environment {name}")
        node = chart.node(
            [env], _label(f"MWAA {name}", f"Airflow {env.inputs.get('airflowVersion', '')} {env.inputs.get('environmentClass', '')}"), ("([", "])"), 2
        )
        for type_, title, left, right in ENV_PARTS:
            parts = [r for r in plan.of_type(type_) if name in owners.get(r.urn, ()) or (type_.endswith("MetricAlarm") and _alarm_of(plan, r) == name)]
            if not parts:
                continue
            detail = "customer managed" if type_ == "aws:kms/key:Key" else physical_name(parts[0]) if len(parts) == 1 else f"{len(parts)}"
            part = chart.node(parts, _label(title, detail), (left, right), 2)
            chart.lines.append(f"    {node} --- {part}")
        chart.close()
        subnet_ids = (env.inputs.get("networkConfiguration") or {}).get("subnetIds") or []
        linked = [subnets_by_id[s] for s in subnet_ids if s in subnets_by_id]
        if linked:
            chart.lines += [f"  {node} --> {s}" for s in linked]
        elif subnet_ids:
            chart.lines.append(f"  {node} --> {chart.node([], _label('existing subnets', *map(str, subnet_ids)))}")

    if diff:
        # What the change deletes is not in the plan: its stateful resources get a node each.
        drawn = {r.urn for r in plan.resources}
        gone = [c for c in diff.changes if c.op == "delete" and c.urn not in drawn]
        if gone:
            chart.open("deleted")
            for change in [c for c in gone if c.stateful]:
                chart.ops = {**chart.ops, change.urn: "delete"}
                stub = RecordedResource(change.urn, change.type, change.name, True, {}, {}, None, None, None)
                chart.node([stub], _label(change.kind, change.label), indent=2)
            others = [c for c in gone if not c.stateful]
            if others:
                chart.ops = {**chart.ops, **{c.urn: "delete" for c in others}}
                stubs = [RecordedResource(c.urn, c.type, c.name, True, {}, {}, None, None, None) for c in others]
                chart.node(stubs, _label(f"{len(others)} other resource{'s' if len(others) > 1 else ''}"), indent=2)
            chart.close()
    return chart.text()


def plan_region(plan: Plan) -> str:
    """The region of the stack's AWS provider (as the spec named it)."""
    for provider in plan.of_type("pulumi:providers:aws"):
        if isinstance(provider.inputs.get("region"), str):
            return provider.inputs["region"]
    return ""


def _alarm_of(plan: Plan, alarm: RecordedResource) -> str | None:
    dims = alarm.inputs.get("dimensions") or {}
    return dims.get("Environment") if isinstance(dims, dict) else None
