"""[cache] in zonke.toml: off by default, what reaches the stack, bad values named."""

from __future__ import annotations

from typing import Any

import pytest

from zonke_tf.config import parse_config, to_tfvars
from zonke_tf.errors import ConfigError


def test_no_cache_unless_asked() -> None:
    tfvars = to_tfvars(parse_config({"app": {"name": "shop"}}))
    assert tfvars["cache_enabled"] is False


def test_the_cache_reaches_the_stack() -> None:
    cache = {"enabled": True, "engine": "redis", "node_type": "cache.t4g.small", "nodes": 2}
    tfvars = to_tfvars(parse_config({"app": {"name": "shop"}, "cache": cache}))
    assert (
        tfvars["cache_enabled"],
        tfvars["cache_engine"],
        tfvars["cache_node_type"],
        tfvars["cache_nodes"],
    ) == (
        True,
        "redis",
        "cache.t4g.small",
        2,
    )


@pytest.mark.parametrize(
    ("cache", "expected"),
    [
        ({"enabled": True, "engine": "memcached"}, ["cache.engine", "'valkey' or 'redis'"]),
        ({"enabled": True, "nodes": 7}, ["cache.nodes", "less than or equal to 6"]),
        ({"enabled": True, "node_type": "t4g.micro"}, ["cache.node_type", "such as 'cache.t4g.micro'"]),
        ({"enabled": True, "password": "x"}, ["cache.password"]),
    ],
    ids=["engine", "nodes", "node-type", "unknown-key"],
)
def test_bad_cache_settings_are_refused_naming_the_field(cache: dict[str, Any], expected: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"app": {"name": "shop"}, "cache": cache})
    missing = [e for e in expected if e not in str(err.value)]
    assert not missing, f"{missing} not in:\n{err.value}"
