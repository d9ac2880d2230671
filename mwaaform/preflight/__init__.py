"""``mwaaform preflight``: check a stack's account before a rollout, in seconds, with boto3.

MWAA reports many mistakes only after 20 to 40 minutes of creating; these checks catch them first.

- :mod:`.facts` reads what to check from the stack's recorded plan (deploy role, VPC, subnets,
  security groups, buckets, keys, environment names, what `pulumi up` imports), plus the AZs the
  spec declares.
- :mod:`.checks` is one function per check, each a pass or a fail with what to do about it.
- :mod:`.command` assumes the deploy role, runs the checks and prints them.
"""
