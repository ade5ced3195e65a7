"""Upgrade proof on the emulator: a media bucket applied before its resources moved into
modules/_internal/private-bucket is kept exactly as it is. The test applies the module,
moves the bucket's resources in the state back to the root addresses they had before,
and plans: Terraform follows the module's `moved` blocks, and every resource is planned
as a move with nothing to change, using the attributes the provider really stored (the
plan test beside it models those attributes instead)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import applied
from tests.support.cases import cases_beside
from tests.support.moves import PRIVATE_BUCKET_MOVES, assert_moved_in_place

pytestmark = pytest.mark.apply


def test_a_bucket_applied_before_the_building_block_is_kept_as_it_is(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    root = make_root("modules/media-storage")
    variables = cases_beside(__file__).base_vars(force_destroy=True)
    with applied(root, aws, variables, check_replan=False):
        # server access logs are off here (the toggle's move is in the plan test)
        moves = {new: old for new, old in PRIVATE_BUCKET_MOVES.items() if "logging" not in new}
        for new, old in moves.items():
            root.tf.execute_command("state", "mv", new, old)
        state = root.tf.execute_command("state", "list").out.split()
        assert set(moves.values()) <= set(state) and not any(
            a.startswith("module.bucket.aws_") for a in state
        )
        plan = root.plan(variables)
        assert_moved_in_place(plan, moves)
        assert {address: actions for address, actions in plan.actions.items() if actions != ["no-op"]} == {}
