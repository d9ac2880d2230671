"""Resource options a plan records beyond inputs: import ids and custom timeouts, as the policy
pack and the plan cache see them."""

from __future__ import annotations

from mwaaform.plan.cache import PlanCache
from mwaaform.plan.durations import duration_text, seconds, timeout_seconds
from mwaaform.plan.model import Plan, RecordedResource
from mwaaform.plan.review import review
from policies.base import Rule

MWAA = "aws:mwaa/environment:Environment"


def resource(name: str, **fields) -> RecordedResource:
    return RecordedResource(f"urn:pulumi:s::p::{MWAA}::{name}", MWAA, name, True, {}, {}, None, None, None, **fields)


def test_durations_are_read_as_the_engine_reads_them():
    assert seconds("3h") == 10800 and seconds("90m") == seconds("1h30m") == seconds("1.5h") == 5400
    assert seconds("300ms") == 0.3 and seconds("0") == 0 and seconds("2562047h") == 2562047 * 3600
    for bad in ("", "3", "3 hours", "h", "1h-30m", "3H", "\u0663h", "3000000h", "1hm"):
        try:
            seconds(bad)
        except ValueError as error:
            assert f"unable to parse customTimeout Value {bad}" in str(error)
        else:
            raise AssertionError(f"{bad!r} accepted")
    assert timeout_seconds({"create": "3h", "delete": "0s"}) == {"create": 10800}
    assert timeout_seconds({}) == {}


def test_duration_text_writes_each_time_one_way():
    assert [duration_text(seconds(t)) for t in ("180m", "3h", "150m", "90s", "1h0m30s", "300ms", "0s", "-90m")] == [
        "3h", "3h", "2h30m", "1m30s", "1h30s", "0.3s", "0s", "-1h30m"
    ]


def test_policies_see_the_timeouts_in_seconds_and_zero_where_none_is_set():
    seen = {}

    def watch(args, report) -> None:
        t = args.opts.custom_timeouts
        seen[args.name] = (t.create_seconds, t.update_seconds, t.delete_seconds)

    rule = Rule("watch-timeouts", "records the options it is given", "resource", watch, "advisory")
    plan = Plan("p", "s", [resource("timed", custom_timeouts={"create": "3h", "update": "3h", "delete": "90m"}), resource("plain")], {})
    assert review(plan, rules=[rule]) == []
    assert seen == {"timed": (10800.0, 10800.0, 5400.0), "plain": (0.0, 0.0, 0.0)}


def test_the_plan_cache_keeps_import_ids_and_timeouts(tmp_path, monkeypatch):
    import mwaaform.plan.cache as plan_cache

    monkeypatch.setattr(plan_cache, "key", lambda stack: "ab" * 32)
    plan = Plan("p", "s", [resource("adopted", import_id="airflow-e-Task", custom_timeouts={"create": "3h"})], {})
    cache = PlanCache(tmp_path)
    cache.put(None, plan)  # type: ignore[arg-type]
    (back,) = cache.get(None).resources  # type: ignore[arg-type, union-attr]
    assert back.import_id == "airflow-e-Task" and back.custom_timeouts == {"create": "3h"}
