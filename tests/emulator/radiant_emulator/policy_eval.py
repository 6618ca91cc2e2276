"""Evaluate a resource policy (bucket, topic, queue, key policy) for one service request.

AWS services check, when a configuration is saved, that the resource policy of the
destination lets the service write (CloudTrail -> bucket/topic/key, S3 -> topic/queue,
GuardDuty -> bucket/key). This is the part of IAM policy evaluation those checks need
(IAM User Guide, "Policy evaluation logic" and "IAM JSON policy elements: Condition
operators", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
an explicit Deny wins, otherwise one matching Allow is needed; Principal, Action and
Resource (and their Not* forms) with wildcards; condition operators String*, Arn*, Bool,
Null, with ForAnyValue/ForAllValues and IfExists; condition keys are case-insensitive;
a negated operator matches when the key is absent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

Context = dict[str, Any]


def allows(
    policy: str | dict | None,
    principal: str | Iterable[str],
    action: str,
    resource: str,
    context: Context | None = None,
) -> bool:
    """Whether ``policy`` lets ``principal`` (a service principal, or an account as its id or
    an IAM ARN; or several, e.g. a service's global and regional forms) perform ``action`` on
    ``resource`` given request ``context``. A grant to the principal's account counts."""
    return decision(policy, principal, action, resource, context) in (ALLOW, ALLOW_ACCOUNT)


# What a resource-based policy says about one request (IAM User Guide, "Policy evaluation
# logic"): an explicit deny; an allow naming the principal itself (its ARN, its role's ARN,
# "*", a service); an allow naming only its account, which delegates the decision to the
# account's identity-based policies ("Determining whether a request is allowed or denied
# within an account", "Cross-account policy evaluation logic"); or nothing.
DENY = "deny"
ALLOW = "allow"
ALLOW_ACCOUNT = "allow-account"


def decision(
    policy: str | dict | None,
    principal: str | Iterable[str] | None,
    action: str,
    resource: str,
    context: Context | None = None,
) -> str | None:
    """DENY, ALLOW, ALLOW_ACCOUNT or None for ``policy``. ``principal`` None evaluates an
    identity-based policy (no Principal element): its allows are ALLOW."""
    document = _load(policy)
    if document is None:
        return None
    principals = None if principal is None else [principal] if isinstance(principal, str) else list(principal)
    context = {key.lower(): value for key, value in (context or {}).items()}
    result = None
    for statement in _as_list(document.get("Statement")):
        if not isinstance(statement, dict):
            continue
        how = _statement_matches(statement, principals, action, resource, context)
        if not how:
            continue
        effect = statement.get("Effect")
        if effect == "Deny":
            return DENY
        if effect == "Allow" and result != ALLOW:
            result = ALLOW if how is True else ALLOW_ACCOUNT
    return result


def _load(policy):
    if policy is None or policy == "":
        return None
    if isinstance(policy, (bytes, bytearray)):
        policy = policy.decode()
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return None
    return policy if isinstance(policy, dict) else None


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _statement_matches(statement: dict, principals: list[str] | None, action: str, resource: str, context: Context):
    """False, True (the principal itself), or ALLOW_ACCOUNT (through its account only)."""
    how = True
    if principals is None:
        if "Principal" in statement or "NotPrincipal" in statement:
            return False  # identity-based policies have no Principal element
    elif "Principal" in statement:
        how = _principal_matches(statement["Principal"], principals)
        if not how:
            return False
    elif "NotPrincipal" in statement:
        if _principal_matches(statement["NotPrincipal"], principals):
            return False
    else:
        return False
    if "Action" in statement:
        if not any(_glob(pattern, action, ignore_case=True) for pattern in _as_list(statement["Action"])):
            return False
    elif "NotAction" in statement:
        if any(_glob(pattern, action, ignore_case=True) for pattern in _as_list(statement["NotAction"])):
            return False
    else:
        return False
    if "Resource" in statement:
        if not any(_glob(pattern, resource) for pattern in _as_list(statement["Resource"])):
            return False
    elif "NotResource" in statement:
        if any(_glob(pattern, resource) for pattern in _as_list(statement["NotResource"])):
            return False
    return how if _conditions_match(statement.get("Condition") or {}, context) else False


def _principal_matches(element, principals: list[str]):
    """True when the element names one of ``principals`` (or everyone), ALLOW_ACCOUNT when it
    names only their account, False otherwise (IAM User Guide, "AWS JSON policy elements:
    Principal": an account principal delegates to the account; a role ARN matches its
    sessions, which callers pass as their own second name)."""
    if element == "*":
        return True
    if not isinstance(element, dict):
        return False
    # "AWS": "*" means everyone, service principals included (IAM User Guide, "Principal").
    aws_entries = [str(entry) for entry in _as_list(element.get("AWS"))]
    if "*" in aws_entries:
        return True
    services = {str(service).lower() for service in _as_list(element.get("Service"))}
    accounts = {_account_of(entry) for entry in aws_entries if _is_account(entry)} - {None}
    named = {entry for entry in aws_entries if not _is_account(entry)}
    via_account = False
    for principal in principals:
        account = _account_of(principal)
        if account is None:
            if principal.lower() in services:
                return True
            continue
        if principal in named:
            return True
        if account in accounts:
            via_account = True
    return ALLOW_ACCOUNT if via_account else False


def _is_account(entry: str) -> bool:
    return bool(re.fullmatch(r"\d{12}", entry)) or bool(re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:root", entry))


_ACCOUNT_ARN = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):")


def _account_of(value) -> str | None:
    value = str(value)
    if re.fullmatch(r"\d{12}", value):
        return value
    match = _ACCOUNT_ARN.match(value)
    return match.group(1) if match else None


@lru_cache(maxsize=512)
def _pattern(pattern: str, ignore_case: bool):
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{regex}$", (re.IGNORECASE if ignore_case else 0) | re.DOTALL)


def _glob(pattern, value: str, ignore_case: bool = False) -> bool:
    return bool(_pattern(str(pattern), ignore_case).match(value))


def _conditions_match(conditions: dict, context: Context) -> bool:
    for operator, entries in conditions.items():
        if not isinstance(entries, dict):
            return False
        for key, expected in entries.items():
            if not _condition_matches(operator, key.lower(), _as_list(expected), context):
                return False
    return True


def _condition_matches(operator: str, key: str, expected: list, context: Context) -> bool:
    qualifier = ""
    if ":" in operator:
        qualifier, operator = operator.split(":", 1)
        qualifier = qualifier.lower()
    if_exists = operator.endswith("IfExists")
    if if_exists:
        operator = operator[: -len("IfExists")]
    present = key in context and context[key] is not None
    if operator == "Null":
        wants_absent = str(expected[0]).lower() == "true"
        return wants_absent != present
    if not present:
        if if_exists or qualifier == "forallvalues":
            return True
        return operator in _NEGATED
    values = [str(v) for v in _as_list(context[key])]
    compare = _COMPARATORS.get(operator)
    if compare is None:
        return False  # an operator we do not model never grants anything
    negated = operator in _NEGATED
    expected = [str(v) for v in expected]

    def one(value: str) -> bool:
        hit = any(compare(pattern, value) for pattern in expected)
        return not hit if negated else hit

    if qualifier == "forallvalues":
        return all(one(value) for value in values)
    return any(one(value) for value in values)


def _equals(pattern: str, value: str) -> bool:
    return pattern == value


def _equals_ignore_case(pattern: str, value: str) -> bool:
    return pattern.lower() == value.lower()


def _like(pattern: str, value: str) -> bool:
    return _glob(pattern, value)


def _bool(pattern: str, value: str) -> bool:
    return pattern.lower() == value.lower()


_COMPARATORS = {
    "StringEquals": _equals,
    "StringNotEquals": _equals,
    "StringEqualsIgnoreCase": _equals_ignore_case,
    "StringNotEqualsIgnoreCase": _equals_ignore_case,
    "StringLike": _like,
    "StringNotLike": _like,
    "ArnEquals": _like,
    "ArnNotEquals": _like,
    "ArnLike": _like,
    "ArnNotLike": _like,
    "Bool": _bool,
}
_NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"}
