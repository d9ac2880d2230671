"""A synthetic fleet of one-environment stacks for the benchmarks: `python -m benchmarks.fleet DIR [N]`.

Stack ``i`` cycles through the three egress modes, both key kinds, with or without data grants and
with or without alarms, so that every mix appears in a fleet of 100; every stack has its own
account and CIDR. The specs are plain YAML (no files to upload), written into ``DIR`` with the
examples' stage defaults (``environments/_defaults.yaml``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

DEFAULTS = Path(__file__).resolve().parents[1] / "environments" / "_defaults.yaml"

EGRESS = ("single_nat", "nat_per_az", "endpoints_only")
KEYS = ("aws_owned", "customer_managed")


def spec(i: int, workers_max: int = 3) -> str:
    """The YAML of stack ``i``; ``workers_max`` lets a benchmark change one spec."""
    egress, key = EGRESS[i % 3], KEYS[(i // 3) % 2]
    grants, alarms = (i // 6) % 2 == 0, (i // 12) % 2 == 0
    account = f"{100000000000 + i:012d}"
    name = f"team{i:03d}-{'prod' if alarms else 'dev'}"
    lines = [
        "account:",
        f'  id: "{account}"',
        "  region: us-east-1",
        f"  deploy_role_arn: arn:aws:iam::{account}:role/mwaaform-deploy",
        "tags:",
        f"  Owner: team{i:03d}",
        '  CostCenter: "CC-1000"',
        "  DataClassification: internal",
        "network:",
        "  managed:",
        f"    cidr: 10.{i % 250}.0.0/16",
        "    availability_zones: [us-east-1a, us-east-1b]",
        f"    egress: {egress}",
    ]
    if egress == "endpoints_only" and grants:
        lines.append("    extra_endpoints: [dynamodb]")
    lines += [
        "environments:",
        f"  - name: {name}",
        f"    team: team{i:03d}",
        f"    stage: {'prod' if alarms else 'dev'}",
        f"    workers: {{min: 1, max: {workers_max}}}",
        f"    encryption: {{key: {key}}}",
    ]
    if alarms:
        lines.append(f"    alarms: {{enabled: true, emails: [oncall-{i:03d}@example.com]}}")
    if grants:
        lines += [
            "    access:",
            "      data:",
            "        - name: landing",
            f'          read: ["arn:aws:s3:::landing-{account}/incoming/*"]',
            f'          list: ["arn:aws:s3:::landing-{account}"]',
            "        - name: lake",
            f'          write: ["arn:aws:s3:::lake-{account}/raw/*"]',
            f'          read: ["arn:aws:dynamodb:us-east-1:{account}:table/watermarks-{i:03d}"]',
        ]
    return "\n".join(lines) + "\n"


def write_fleet(folder: Path, count: int = 100) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEFAULTS, folder / "_defaults.yaml")
    paths = []
    for i in range(count):
        path = folder / f"fleet-{i:03d}.yaml"
        path.write_text(spec(i))
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/fleet")
    written = write_fleet(target, int(sys.argv[2]) if len(sys.argv) > 2 else 100)
    print(f"wrote {len(written)} specs into {target}")
