"""The usage assumptions a plan carries for its estimate: the ``cost`` stack output.

The estimate reads resources from the plan; what no resource says (extra workers on average, GB
of traffic and logs, budgets, why ``egress: auto`` picked what it did) is recorded once, here, as
plain data, so every consumer of a recorded plan (``mwaaform cost``, the change review, the budget
policy) reads the same numbers without opening the spec.
"""

from __future__ import annotations

from typing import Any

OUTPUT = "cost"


def recorded_assumptions(spec, egress=None) -> dict[str, Any]:
    """The ``cost`` stack output of ``spec`` (``egress``: the resolved :class:`EgressDecision`)."""
    output: dict[str, Any] = {
        "currency": "USD",
        "budget": spec.cost.budget,
        "flowLogGb": spec.cost.flow_log_gb,
        "environments": {
            env.name: {
                "budget": env.cost.budget,
                "extraWorkers": env.cost.extra_workers,
                "extraWebservers": env.cost.extra_webservers,
                "trafficGb": env.cost.traffic_gb,
                "logGb": env.cost.log_gb,
                "databaseGb": env.cost.database_gb,
            }
            for env in spec.environments
        },
    }
    if egress is not None:
        output["egress"] = egress.as_dict()
    return output
