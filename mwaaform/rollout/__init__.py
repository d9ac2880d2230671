"""``mwaaform rollout``: the fleet's stacks in waves, each previewed with the policy pack, then updated.

- :mod:`.waves` orders the validated stacks into waves (stage, then ``rollout.wave``) and names the
  Pulumi commands each stack runs; plain data, shared with the CI pipeline generator.
- :mod:`.engine` runs the waves through any :class:`~.engine.Runner`: concurrency, stop on the
  first failure, outcomes. Tested with a fake runner.
- :mod:`.report` prints progress and the summary table.
- :mod:`.automation` is the only part that needs the Pulumi CLI: a runner over the Automation API.
"""
