"""Route checks used by the network apply test (and proven able to fail)."""

from __future__ import annotations

from typing import Any, Literal

Target = Literal["internet", "nat", "none"]


def default_routes(ec2: Any, route_table_id: str) -> list[dict[str, Any]]:
    table = ec2.describe_route_tables(RouteTableIds=[route_table_id])["RouteTables"][0]
    return [
        r
        for r in table["Routes"]
        if r.get("DestinationCidrBlock") == "0.0.0.0/0" or r.get("DestinationIpv6CidrBlock") == "::/0"
    ]


def assert_default_route(ec2: Any, route_table_id: str, target: Target) -> None:
    """Raise AssertionError unless the table's internet route goes where ``target`` says."""
    routes = default_routes(ec2, route_table_id)
    if target == "none":
        assert not routes, f"{route_table_id} must have no route to the internet, has {routes}"
        return
    assert len(routes) == 1, f"{route_table_id} must have one default route, has {routes}"
    route = routes[0]
    if target == "internet":
        assert str(route.get("GatewayId", "")).startswith("igw-"), (
            f"{route_table_id} must route 0.0.0.0/0 to an internet gateway, routes to {route}"
        )
        assert "NatGatewayId" not in route
    else:
        assert str(route.get("NatGatewayId", "")).startswith("nat-"), (
            f"{route_table_id} must route 0.0.0.0/0 to a NAT gateway, routes to {route}"
        )
