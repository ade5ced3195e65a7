"""Plan tests of modules/network beyond its plan cases (cases.yaml: defaults, 3 AZs with
NAT per AZ and endpoints, bad input): tags, and the flow-log key's move."""

from __future__ import annotations

import pytest

from tests.support import TerraformRoot
from tests.support.cases import cases_beside
from tests.support.moves import assert_moved_in_place, kms_key_and_alias, moved_plan

CASES = cases_beside(__file__)


@pytest.fixture(scope="module")
def network(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/network").init()


def test_two_azs_per_az_nat_and_tags(network: TerraformRoot) -> None:
    plan = network.plan(CASES.base_vars(nat_gateway_mode="per_az", tags={"team": "web"}))
    assert plan.counts["aws_nat_gateway"] == 2
    for addr, values in plan.values.items():
        if "tags" in values and not addr.startswith("data."):
            assert values["tags"].get("team") == "web", f"{addr} lacks the tags input"


def test_an_existing_flow_log_key_moves_into_the_building_block(network: TerraformRoot) -> None:
    """A stack made before modules/_internal/logs-key keeps its flow-log key and alias."""
    old = kms_key_and_alias(
        "aws_kms_key.flow_logs[0]", "aws_kms_alias.flow_logs[0]", "alias/zonke/demo/vpc-flow-logs"
    )
    plan = moved_plan(network, CASES.base_vars(), old)
    assert_moved_in_place(
        plan,
        {
            "module.flow_log_key[0].aws_kms_key.this": "aws_kms_key.flow_logs[0]",
            "module.flow_log_key[0].aws_kms_alias.this": "aws_kms_alias.flow_logs[0]",
        },
    )
