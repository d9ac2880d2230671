"""Print timing figures of the preflight and the rollout planning: `make bench`.

Figures, not assertions. The preflight runs against moto in server mode on a free 127.0.0.1
port (no AWS account), over an existing network built there with boto3: the time of the checks
alone (the stack's facts come from one offline plan, timed apart), each the best of several runs.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    os.chdir(ROOT)
    from benchmarks.plan import timed
    from mwaaform.rollout.waves import Target, dry_run, plan_waves
    from mwaaform.spec.loader import load

    stacks = load([ROOT / "environments"]).stacks
    fleet = [Target(f"s{i}", "x.yaml", "111122223333", "us-east-1", ("dev", "test", "stage", "prod")[i % 4], 1 + i % 3) for i in range(1000)]
    best, _ = timed(lambda: dry_run(plan_waves(fleet), parallel=8, preview_only=False, preflight=True))
    print(f"rollout dry run, 1000 stacks   {1000 * best:8.1f} ms best")

    import dataclasses
    import logging

    from moto.server import ThreadedMotoServer

    from tests.preflight import conftest as emulator

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = emulator._free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update({**emulator.ENV, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"})
    from mwaaform.preflight.command import facts_of, run_checks

    net = emulator.build_network("10.1.0.0/16")
    partner = next(s for s in stacks if s.spec.network.existing)
    start = time.perf_counter()
    facts = facts_of(partner)
    print(f"facts from the offline plan    {1000 * (time.perf_counter() - start):8.1f} ms (one stack, first plan)")
    facts = dataclasses.replace(facts, account=emulator.ACCOUNT, region=emulator.REGION,
                                deploy_role_arn=f"arn:aws:iam::{emulator.ACCOUNT}:role/deploy", vpc_id=net.vpc,
                                subnets=dict(net.subnets), existing_security_groups=(net.group,))
    best, median = timed(lambda: run_checks(facts), repeat=5)
    print(f"preflight checks, one stack    {1000 * best:8.1f} ms best, {1000 * median:.1f} ms median (moto on loopback)")
    server.stop()


if __name__ == "__main__":
    main()
