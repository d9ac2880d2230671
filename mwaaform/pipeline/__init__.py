"""``mwaaform pipeline``: the rollout's waves as a CI workflow, for fleets that outgrow one machine."""
