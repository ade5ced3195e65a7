"""Upgrade proofs for `moved` blocks, offline: a state file holding resources at their old
addresses, planned without refresh against the module as it is now.

Terraform follows a `moved` block only when the state has the old address; a plan from an
empty state never reads one. ``moved_plan`` writes a version-4 state with the given old
resources (only the attributes the plan compares), plans with ``-refresh=false`` (nothing
reaches AWS) and removes the state again. ``assert_moved_in_place`` then checks that each
resource is planned at its new address with the old one as ``previous_address`` and is
neither created nor destroyed.
https://developer.hashicorp.com/terraform/language/modules/develop/refactoring
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .plan import PlanResult, TerraformRoot

PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]'
_ROOT_ADDRESS = re.compile(r"^(?P<type>aws_[a-z0-9_]+)\.(?P<name>[a-z0-9_]+)(?:\[(?P<index>\d+)\])?$")


@dataclass(frozen=True)
class OldResource:
    """A resource of the module's root at its old address, such as ``aws_kms_key.flow_logs[0]``."""

    address: str
    attributes: Mapping[str, Any]


def kms_key_and_alias(key_address: str, alias_address: str, alias_name: str) -> list[OldResource]:
    """A key and its alias as the provider stores them (the attributes a plan compares)."""
    key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    key_arn = f"arn:aws:kms:us-east-1:123456789012:key/{key_id}"
    return [
        OldResource(
            key_address,
            {
                "id": key_id,
                "key_id": key_id,
                "arn": key_arn,
                "description": "the key before the move",
                "enable_key_rotation": True,
                "deletion_window_in_days": 30,
                "is_enabled": True,
                "key_usage": "ENCRYPT_DECRYPT",
                "customer_master_key_spec": "SYMMETRIC_DEFAULT",
                "multi_region": False,
                "policy": "{}",
                "tags": {},
                "tags_all": {},
            },
        ),
        OldResource(
            alias_address,
            {
                "id": alias_name,
                "name": alias_name,
                "arn": f"arn:aws:kms:us-east-1:123456789012:{alias_name}",
                "target_key_id": key_id,
                "target_key_arn": key_arn,
            },
        ),
    ]


def state_document(resources: list[OldResource]) -> dict[str, Any]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for resource in resources:
        match = _ROOT_ADDRESS.match(resource.address)
        if match is None:
            raise ValueError(f"{resource.address} is not a resource address of a module's root")
        instance: dict[str, Any] = {"schema_version": 0, "attributes": dict(resource.attributes)}
        if match["index"] is not None:
            instance["index_key"] = int(match["index"])
        grouped.setdefault((match["type"], match["name"]), []).append(instance)
    return {
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 1,
        "lineage": "00000000-0000-0000-0000-000000000000",
        "outputs": {},
        "resources": [
            {"mode": "managed", "type": rtype, "name": name, "provider": PROVIDER, "instances": instances}
            for (rtype, name), instances in grouped.items()
        ],
        "check_results": None,
    }


def moved_plan(root: TerraformRoot, variables: Mapping[str, Any], old: list[OldResource]) -> PlanResult:
    """Plan ``root`` with ``variables`` from a state holding only ``old``, without refresh."""
    (root.dir / "terraform.tfstate").write_text(json.dumps(state_document(old)))
    try:
        return root.plan(variables, refresh=False)
    finally:
        for state in root.dir.glob("terraform.tfstate*"):
            state.unlink()


def assert_moved_in_place(plan: PlanResult, moves: Mapping[str, str]) -> None:
    """Each ``new address -> old address`` is a move: planned at the new address with the
    old one as its previous address, and neither created nor destroyed."""
    changes = {rc["address"]: rc for rc in plan.raw.get("resource_changes", [])}
    problems = []
    for new, old in moves.items():
        change = changes.get(new)
        if change is None:
            problems.append(f"{new} is not in the plan")
            continue
        if change.get("previous_address") != old:
            problems.append(
                f"{new} was not moved from {old} (previous address {change.get('previous_address')})"
            )
        actions = change["change"]["actions"]
        if "create" in actions or "delete" in actions:
            problems.append(f"{new} is planned {actions}: it would be replaced, not kept")
    leftovers = [
        a for a, rc in changes.items() if a in moves.values() and "delete" in rc["change"]["actions"]
    ]
    problems += [f"{a} would be destroyed" for a in leftovers]
    assert problems == [], "\n".join(problems)


# The bucket's resources that cdn-static and media-storage held at their roots before they
# moved into modules/_internal/private-bucket (module "bucket"); logging is a toggle ([0]).
PRIVATE_BUCKET_RESOURCES = (
    "aws_s3_bucket.this",
    "aws_s3_bucket_public_access_block.this",
    "aws_s3_bucket_ownership_controls.this",
    "aws_s3_bucket_server_side_encryption_configuration.this",
    "aws_s3_bucket_versioning.this",
    "aws_s3_bucket_lifecycle_configuration.this",
    "aws_s3_bucket_logging.this[0]",
    "aws_s3_bucket_policy.this",
)


# The moves ``assert_moved_in_place`` expects: each to the same address under module.bucket.
PRIVATE_BUCKET_MOVES = {f"module.bucket.{address}": address for address in PRIVATE_BUCKET_RESOURCES}


def private_bucket_state(bucket_name: str) -> list[OldResource]:
    """The bucket's resources at their old root addresses, with the attributes that would
    force a replacement set as an applied bucket has them."""
    ids = {"id": bucket_name, "bucket": bucket_name}
    stored: dict[str, dict[str, Any]] = {
        "aws_s3_bucket.this": {"arn": f"arn:aws:s3:::{bucket_name}", "force_destroy": False},
        # Optional, computed and forcing a replacement: a null here would plan one. The
        # value really stored plans no change (tests/modules/media_storage, the upgrade test).
        "aws_s3_bucket_lifecycle_configuration.this": {"expected_bucket_owner": ""},
    }
    return [OldResource(address, {**ids, **stored.get(address, {})}) for address in PRIVATE_BUCKET_RESOURCES]
