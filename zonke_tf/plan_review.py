"""What a Terraform plan would do, and the data-loss guard `zonke apply` and the pipeline
apply before anything changes.

The changes are read from the plan run's own streamed events (:func:`changes_from_events`),
which saves a `terraform show -json` of the saved plan (about 2.5 s for the example stack);
when the events do not account for every change the plan's summary counts, they are read
from the saved plan instead (:func:`plan_changes`).

The plan representation: https://developer.hashicorp.com/terraform/internals/json-format
(``resource_changes[].change.actions`` is one of ["no-op"], ["create"], ["read"],
["update"], ["delete", "create"], ["create", "delete"], ["delete"], or ["forget"]: a
`removed` block with `destroy = false` drops the resource from the state and keeps the
object, as modules/secrets/removed.tf does with the old seed version).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from zonke_tf.errors import DataLossError, OperationError

# Resource types whose replacement or deletion loses data nobody can get back from
# Terraform: the database, buckets (static files, artifacts, logs), secrets, keys (anything
# encrypted with a deleted key is lost) and the image repository.
DATA_BEARING_TYPES: frozenset[str] = frozenset(
    {
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_s3_bucket",
        "aws_secretsmanager_secret",
        "aws_kms_key",
        "aws_ecr_repository",
    }
)


@dataclass(frozen=True)
class ResourceChange:
    address: str
    type: str
    action: str  # create, update, replace, delete, read, forget
    reason: str | None = None

    @property
    def loses_data(self) -> bool:
        return self.type in DATA_BEARING_TYPES and self.action in ("replace", "delete")

    def line(self) -> str:
        mark = {"create": "+", "update": "~", "replace": "-/+", "delete": "-", "read": "<=", "forget": "."}[
            self.action
        ]
        text = f"{mark:>3} {self.address} ({self.action}"
        if self.reason:
            text += f": {self.reason.replace('_', ' ')}"
        return text + (", DATA LOSS)" if self.loses_data else ")")

    def as_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "type": self.type,
            "action": self.action,
            "reason": self.reason,
            "data_loss": self.loses_data,
        }


def _action(actions: list[str]) -> str | None:
    if actions in (["delete", "create"], ["create", "delete"]):
        return "replace"
    if actions in (["no-op"], []):
        return None
    if len(actions) == 1 and actions[0] in ("create", "update", "delete", "read", "forget"):
        return actions[0]
    raise OperationError(f"unknown plan actions {actions!r}: this Terraform is newer than zonke understands")


def plan_changes(plan: Mapping[str, Any]) -> list[ResourceChange]:
    """Every resource the plan changes, in the plan's order (managed resources; data
    sources only when they are read during apply)."""
    changes: list[ResourceChange] = []
    for rc in plan.get("resource_changes", []) or []:
        action = _action(list(rc.get("change", {}).get("actions", [])))
        if action is None:
            continue
        changes.append(
            ResourceChange(
                address=str(rc["address"]),
                type=str(rc.get("type", "")),
                action=action,
                reason=rc.get("action_reason"),
            )
        )
    return changes


def check_data_loss(changes: list[ResourceChange], allow_data_loss: bool) -> None:
    """Raise DataLossError naming each data-bearing resource the plan replaces or destroys,
    unless ``allow_data_loss``."""
    losing = [c for c in changes if c.loses_data]
    if losing and not allow_data_loss:
        names = "\n".join("  " + c.line() for c in losing)
        raise DataLossError(
            "the plan would replace or destroy resources that hold data:\n"
            f"{names}\n"
            "Nothing was applied. Check the change in zonke.toml that causes it; to accept the loss, "
            "run `zonke apply --allow-data-loss` (the pipeline never does)",
            losing,
        )


# `terraform plan -json` streams one `planned_change` event per changed resource instance,
# in the UI's own vocabulary, and a `change_summary` at the end; read as the saved plan's
# resource_changes would say it (checked against `terraform show -json` of the same plan by
# tests/wrapper/test_plan_review.py). https://developer.hashicorp.com/terraform/internals/machine-readable-ui
_EVENT_ACTIONS = {
    "create": "create",
    "update": "update",
    "replace": "replace",
    "delete": "delete",
    "read": "read",
    "remove": "forget",  # a `removed` block with destroy = false
}
_EVENT_NO_CHANGE = frozenset({"noop", "move", "import"})  # listed as no-op in the saved plan
_EVENT_REPLACE_REASONS = {
    "tainted": "replace_because_tainted",
    "cannot_update": "replace_because_cannot_update",
    "requested": "replace_by_request",
}


def changes_from_events(events: Iterable[Mapping[str, Any]]) -> list[ResourceChange] | None:
    """The plan's changes from its streamed events, sorted by address; None when they cannot
    be trusted to be complete (no summary, an action this code does not know, or counts that
    differ from the summary's), and the caller must read the saved plan."""
    changes: list[ResourceChange] = []
    summary: Mapping[str, Any] | None = None
    for event in events:
        if event.get("type") == "change_summary":
            summary = event.get("changes") or {}
        if event.get("type") != "planned_change":
            continue
        change = event.get("change") or {}
        action = str(change.get("action", ""))
        if action in _EVENT_NO_CHANGE:
            continue
        if action not in _EVENT_ACTIONS:
            return None
        resource = change.get("resource") or {}
        reason = change.get("reason")
        if action == "replace" and reason is not None:
            reason = _EVENT_REPLACE_REASONS.get(str(reason), reason)
        changes.append(
            ResourceChange(
                address=str(resource.get("addr", "")),
                type=str(resource.get("resource_type", "")),
                action=_EVENT_ACTIONS[action],
                reason=None if reason is None else str(reason),
            )
        )
    if summary is None:
        return None
    n = Counter(c.action for c in changes)
    counted = (n["create"] + n["replace"], n["update"], n["delete"] + n["replace"])
    if counted != (summary.get("add"), summary.get("change"), summary.get("remove")):
        return None
    return sorted(changes, key=lambda c: c.address)


def review(
    events: Iterable[Mapping[str, Any]], saved_plan: Callable[[], Mapping[str, Any]]
) -> list[ResourceChange]:
    """The changes of the plan a run just saved: from its events, or, when those fall short,
    from ``saved_plan()`` (`terraform show -json` of the saved plan)."""
    changes = changes_from_events(events)
    return changes if changes is not None else plan_changes(saved_plan())
