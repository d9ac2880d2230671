"""IAM policy documents as plain sentences a reviewer can read in a pull request.

    DataRawReadS3Object: Allow s3:GetObject, s3:GetObjectTagging on arn:aws:s3:::raw/*
    Allow kms:Decrypt on every resource except arn:aws:kms:*:111122223333:key/* [if kms:ViaService like sqs.us-east-1.amazonaws.com]

Statements keep the document's order, and actions and resources their order in the statement.
Element names follow the IAM JSON policy reference:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
"""

from __future__ import annotations

from typing import Any

# Condition operators shown as symbols; any other operator is shown by its name.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
_OPERATORS = {
    "StringEquals": "=",
    "StringNotEquals": "!=",
    "StringEqualsIgnoreCase": "= (any case)",
    "StringLike": "like",
    "StringNotLike": "not like",
    "ArnEquals": "=",
    "ArnLike": "like",
    "ArnNotEquals": "!=",
    "ArnNotLike": "not like",
    "NumericEquals": "=",
    "NumericNotEquals": "!=",
    "NumericLessThan": "<",
    "NumericLessThanEquals": "<=",
    "NumericGreaterThan": ">",
    "NumericGreaterThanEquals": ">=",
    "DateLessThan": "before",
    "DateGreaterThan": "after",
    "Bool": "=",
    "IpAddress": "in",
    "NotIpAddress": "not in",
}


def describe_policy(document: dict) -> list[str]:
    """One line per statement of ``document`` (a single statement object is accepted too)."""
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return [describe_statement(statement) for statement in statements]


def describe_statement(statement: dict) -> str:
    effect = statement.get("Effect", "?")
    sid = statement.get("Sid")
    parts = [f"{sid}: {effect}" if sid else effect]
    if "NotAction" in statement:
        parts.append(f"every action except {_join(statement['NotAction'])}")
    else:
        parts.append(_join(statement.get("Action", [])) or "no action")
    for key, word in (("Principal", "by"), ("NotPrincipal", "by everyone except")):
        if key in statement:
            parts.append(f"{word} {_principal(statement[key])}")
    if "NotResource" in statement:
        parts.append(f"on every resource except {_join(statement['NotResource'])}")
    elif "Resource" in statement:
        parts.append(f"on {_join(statement['Resource'])}")
    condition = _condition(statement.get("Condition") or {})
    if condition:
        parts.append(f"[if {condition}]")
    return " ".join(parts)


def _values(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _join(value: Any) -> str:
    return ", ".join(_values(value))


def _principal(value: Any) -> str:
    if value == "*":
        return "anyone (*)"
    if isinstance(value, dict):
        return "; ".join(f"{kind} {_join(ids)}" for kind, ids in value.items())
    return _join(value)


def _condition(block: dict) -> str:
    clauses = []
    for operator, tests in block.items():
        qualifier = ""
        name = operator
        for prefix in ("ForAllValues:", "ForAnyValue:"):
            if name.startswith(prefix):
                qualifier, name = f"{prefix[:-1]} ", name[len(prefix):]
        if_exists = name.endswith("IfExists")
        name = name.removesuffix("IfExists")
        symbol = _OPERATORS.get(name, name)
        for key, value in tests.items():
            if name == "Null":  # Null true: the key is absent from the request
                clauses.append(f"{key} is {'absent' if str(value).lower() == 'true' else 'present'}")
                continue
            text = f"{qualifier}{key} {symbol} {' or '.join(_values(value))}"
            clauses.append(f"{text} (if present)" if if_exists else text)
    return " and ".join(clauses)
