"""The tag rules: every resource carries the stack's tags, mwaaform's own tags cannot be overridden,
and each resource's ``Name`` comes first."""

from __future__ import annotations

import yaml

from mwaaform.spec.models import StackSpec
from mwaaform.tags import stack_tags, with_name
from tests.conftest import MINIMAL


def spec(**extra_tags) -> StackSpec:
    data = yaml.safe_load(MINIMAL)
    data["tags"].update(extra_tags)
    return StackSpec.model_validate(data)


def test_stack_tags_are_the_required_ones_the_extras_then_mwaaforms():
    tags = stack_tags(spec(Project="lakehouse", Tier="gold"), "prod-data")
    assert list(tags.items()) == [
        ("Owner", "data-platform"),
        ("CostCenter", "CC-1"),
        ("DataClassification", "internal"),
        ("Project", "lakehouse"),
        ("Tier", "gold"),
        ("ManagedBy", "mwaaform"),
        ("Stack", "prod-data"),
    ]


def test_without_extra_tags_there_are_five():
    assert stack_tags(spec(), "dev") == {
        "Owner": "data-platform",
        "CostCenter": "CC-1",
        "DataClassification": "internal",
        "ManagedBy": "mwaaform",
        "Stack": "dev",
    }


def test_extra_tags_cannot_replace_mwaaforms_own():
    # The spec's rules report these keys; the tags themselves stay right even so.
    tags = stack_tags(spec(ManagedBy="someone-else", Stack="other"), "prod-data")
    assert (tags["ManagedBy"], tags["Stack"]) == ("mwaaform", "prod-data")


def test_tag_values_are_strings():
    # AWS tag values are strings; YAML may read an unquoted number.
    assert stack_tags(spec(Generation=3), "dev")["Generation"] == "3"


def test_name_comes_first_then_the_components_tags():
    component = {"Environment": "prod", "Team": "bi"}
    tags = with_name("airflow-etl", component)
    assert list(tags.items()) == [("Name", "airflow-etl"), ("Environment", "prod"), ("Team", "bi")]
    assert component == {"Environment": "prod", "Team": "bi"}  # the caller's mapping is left alone
