"""Property: every config that validation accepts renders tfvars that a plan of the real
stack accepts (a modest number of generated configs, planned against the emulator)."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.support import TerraformRoot
from zonke_emulator import Emulator
from zonke_tf.config import FARGATE_MEMORY, parse_config
from zonke_tf.engine import TerraformBinary, Workspace
from zonke_tf.errors import ConfigError
from zonke_tf.target import LocalTarget

pytestmark = pytest.mark.apply
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"

names = st.from_regex(r"[a-z][a-z0-9]{1,8}", fullmatch=True)
envs = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True)
keys = st.lists(st.from_regex(r"[A-Z][A-Z0-9_]{1,10}", fullmatch=True), max_size=3, unique=True)


@st.composite
def networks(draw: st.DrawFn) -> str:
    """A private IPv4 network, /16 to /24, at a random place inside one of the RFC 1918 ranges."""
    parent = ipaddress.IPv4Network(draw(st.sampled_from(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"])))
    prefix = draw(st.integers(max(16, parent.prefixlen), 24))
    index = draw(st.integers(0, 2 ** (prefix - parent.prefixlen) - 1))
    address = int(parent.network_address) + index * 2 ** (32 - prefix)
    return f"{ipaddress.IPv4Address(address)}/{prefix}"


@st.composite
def compute(draw: st.DrawFn) -> dict[str, Any]:
    capacity = draw(st.sampled_from(["FARGATE", "FARGATE_SPOT", "EC2"]))
    cpu = draw(st.sampled_from([256, 512, 1024]))
    memory = draw(st.sampled_from(FARGATE_MEMORY[cpu]))
    low = draw(st.integers(1, 5))
    return {"capacity": capacity, "cpu": cpu, "memory": memory, "min": low, "max": draw(st.integers(low, 10))}


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    storage = draw(st.integers(20, 200))
    data: dict[str, Any] = {
        "app": {"name": draw(names), "environment": draw(envs)},
        "network": {
            "cidr": draw(networks()),
            "az_count": draw(st.sampled_from([2, 3])),
            "nat": draw(st.sampled_from(["single", "per_az"])),
        },
        "compute": draw(compute()),
        "database": {
            "engine": draw(st.sampled_from(["postgres", "mysql"])),
            "storage": storage,
            "max_storage": draw(st.one_of(st.just(0), st.integers(storage, 500))),
            "multi_az": draw(st.booleans()),
        },
        "secrets": {"keys": draw(keys)},
        "pipeline": {"branch": draw(st.sampled_from(["main", "release/2026", "dev"]))},
        "tags": draw(
            st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), st.text(max_size=8), max_size=2)
        ),
    }
    if draw(st.booleans()):
        data["pipeline"]["repository"] = "acme/" + data["app"]["name"]
    if draw(st.booleans()):
        data["domain"] = {
            "name": f"{data['app']['name']}.example.com",
            "certificate_arn": CERT,
            "zone_id": "Z0123456789ABCDEFGHIJ",
            "origin": draw(st.sampled_from(["public", "private"])),
        }
    return data


@pytest.fixture(scope="module")
def stack_root(make_root, emulator: Emulator) -> TerraformRoot:  # type: ignore[no-untyped-def]
    from tests.examples.local_root import point_at_emulator

    root = make_root("examples/django-monolith", with_provider=False)
    return point_at_emulator(root, emulator.url).init()


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=configs())
def test_accepted_configs_render_plannable_tfvars(
    data: dict[str, Any],
    stack_root: TerraformRoot,
    emulator: Emulator,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    try:
        config = parse_config(data)
    except ConfigError:
        assume(False)
        return
    ws = Workspace(
        config,
        Path(tmp_path_factory.mktemp("ws")),
        TerraformBinary(("terraform",), "test"),
        environ={},
        target=LocalTarget(emulator.url),
    )
    tfvars = json.loads(ws.tfvars())
    plan = stack_root.plan(tfvars)
    assert plan.counts.get("aws_ecs_service") == 1
    assert plan.one("aws_vpc")["cidr_block"] == config.network.cidr
    # local mode always has a repository (a stand-in when the config names none)
    assert plan.counts.get("aws_codepipeline") == 1
    # a stack whose image is not built yet is held at 0..0 (the wrapper looked it up)
    bounds = config.compute.max if tfvars["app_image_exists"] else 0
    assert plan.one("aws_appautoscaling_target")["max_capacity"] == bounds
    assert plan.one("aws_ecs_service")["tags"]["zonke:max-count"] == str(config.compute.max)
