"""Timing figures of the offline plan engine alone: `venv/bin/python benchmarks/plan_engine.py`.

Figures, not assertions: import of pulumi + pulumi_aws, the first plan in the process (lazy
module loading), then plans of synthetic programs of growing size (best of several runs).
"""

from __future__ import annotations

import time


def main() -> None:
    start = time.perf_counter()
    import pulumi
    import pulumi_aws as aws

    from mwaaform.plan.engine import run_program

    print(f"import pulumi, pulumi_aws, engine  {1000 * (time.perf_counter() - start):8.1f} ms")

    def program(n: int):
        def declare() -> None:
            provider = aws.Provider("aws", region="us-east-1")
            opts = pulumi.ResourceOptions(provider=provider)
            vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", opts=opts)
            for i in range(n - 3):  # the stack, the provider and the VPC make up the rest
                aws.ec2.Subnet(f"subnet-{i}", vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24", opts=opts)
            pulumi.export("vpcId", vpc.id)

        return declare

    start = time.perf_counter()
    run_program(program(10), stack="warm-up")
    print(f"first plan (10 resources)          {1000 * (time.perf_counter() - start):8.1f} ms (warm-up included)")

    for n in (10, 50, 200):
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            plan = run_program(program(n), stack=f"s{n}")
            samples.append(time.perf_counter() - start)
        assert len(plan.resources) == n
        best = min(samples)
        print(f"plan of {n:>3} resources               {1000 * best:8.1f} ms best, {1000 * best / n:.2f} ms/resource")


if __name__ == "__main__":
    main()
