"""The app config: validation messages name the field, the value and the allowed range;
rendering is deterministic."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from zonke_tf.config import (
    FARGATE_MEMORY,
    find_config,
    load_config,
    parse_config,
    render_tfvars,
    starter_config,
    to_tfvars,
    valid_branch,
)
from zonke_tf.errors import ConfigError

BASE: dict[str, Any] = {"app": {"name": "shop"}}


def with_(section: str, **values: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(BASE))
    data.setdefault(section, {}).update(values)
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (with_("app", name="Shop"), ["app.name", "'Shop'", "2-20 lowercase"]),
        (with_("app", name="a"), ["app.name", "2-20"]),
        (with_("app", environment="Prod!"), ["app.environment", "1-10 lowercase"]),
        (with_("app", region="europe"), ["app.region", "'europe'", "AWS region"]),
        (with_("network", cidr="10.0.0.0/8"), ["network.cidr", "/8", "/16 to /24"]),
        (with_("network", cidr="10.0.0.1/16"), ["network.cidr", "network address"]),
        (with_("network", cidr="8.8.0.0/16"), ["network.cidr", "private range"]),
        (with_("network", az_count=4), ["network.az_count", "2", "3"]),
        (with_("network", nat="none"), ["network.nat", "single", "per_az"]),
        (with_("compute", cpu=300), ["compute", "cpu=300", "256"]),
        (with_("compute", cpu=256, memory=4096), ["compute", "memory=4096", "cpu=256", "512 to 2048"]),
        (with_("compute", min=5, max=2), ["compute", "min=5", "max=2"]),
        (with_("compute", max=1000), ["compute.max", "100"]),
        (with_("compute", capacity="LAMBDA"), ["compute.capacity", "FARGATE"]),
        (with_("database", instance_class="t3.micro"), ["database.instance_class", "db.t4g.micro"]),
        (with_("database", storage=10), ["database.storage", "20"]),
        (with_("database", storage=200, max_storage=100), ["database", "max_storage=100", "storage=200"]),
        (with_("database", storage=20, max_storage=21), ["database", "max_storage=21", "at least 22"]),
        (with_("secrets", keys=["stripe-key"]), ["secrets.keys", "'stripe-key'", "A-Z"]),
        (with_("secrets", keys=["DB_PASSWORD"]), ["secrets.keys", "provided by the stack"]),
        (with_("pipeline", branch="feature..x"), ["pipeline.branch", "'feature..x'", "git branch"]),
        (with_("pipeline", repository="shop"), ["pipeline.repository", "owner/name"]),
        (with_("pipeline", connection_arn="arn:aws:s3:::x"), ["pipeline.connection_arn", "CodeConnections"]),
        (with_("domain", name="shop.example.com"), ["domain", "certificate_arn go together"]),
        (
            with_(
                "domain",
                name="shop.example.com",
                certificate_arn="arn:aws:acm:eu-west-1:123456789012:certificate/x",
            ),
            ["domain", "us-east-1"],
        ),
        (with_("compute", cpus=2), ["compute.cpus", "unknown setting"]),
        (with_("media", enabled="sometimes"), ["media.enabled", "'sometimes'"]),
        (with_("media", bucket="mine"), ["media.bucket", "unknown setting"]),
        (
            {"app": {"name": "a-very-long-app-name", "environment": "production"}},
            ["target group", "32", "shorten"],
        ),
        ({}, ["app", "Field required"]),
    ],
)
def test_bad_field_names_field_value_and_range(data: dict[str, Any], expected: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    message = str(err.value)
    for part in expected:
        assert part in message, f"{part!r} not in:\n{message}"


def test_every_fargate_pair_is_accepted_and_the_neighbours_are_not() -> None:
    for cpu, memories in FARGATE_MEMORY.items():
        for memory in memories:
            parse_config(with_("compute", cpu=cpu, memory=memory))
        with pytest.raises(ConfigError):
            parse_config(with_("compute", cpu=cpu, memory=memories[0] - 512))


def test_render_is_deterministic_and_byte_identical() -> None:
    one = """
[app]
name = "shop"
region = "eu-west-1"
[tags]
b = "2"
a = "1"
[secrets]
keys = ["ZED", "ALPHA"]
"""
    two = """
[secrets]
keys = ["ALPHA", "ZED"]
[tags]
a = "1"
b = "2"
[app]
region = "eu-west-1"
name = "shop"
"""
    first = render_tfvars(parse_config(tomllib.loads(one)))
    assert first == render_tfvars(parse_config(tomllib.loads(one)))
    assert first == render_tfvars(parse_config(tomllib.loads(two)))
    data = json.loads(first)
    assert data["secret_keys"] == ["ALPHA", "ZED"]
    assert list(data) == sorted(data)
    assert first.endswith("}\n")


def test_media_is_off_unless_asked_and_reaches_the_stack() -> None:
    assert to_tfvars(parse_config({"app": {"name": "shop"}}))["media_enabled"] is False
    on = parse_config({"app": {"name": "shop"}, "media": {"enabled": True}})
    assert to_tfvars(on)["media_enabled"] is True
    assert to_tfvars(on)["media_signing_public_key"] is None


PUBLIC_PEM = "\n".join(
    [
        "-----BEGIN PUBLIC KEY-----",
        "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU",
        "mwIDAQAB",
        "-----END PUBLIC KEY-----",
    ]
)


def test_a_signing_public_key_reaches_the_stack_as_pem_with_a_final_newline() -> None:
    config = tomllib.loads(
        f"[app]\nname = 'shop'\n[media]\nenabled = true\nsigning_public_key = '''\n{PUBLIC_PEM}\r\n'''\n"
    )
    assert to_tfvars(parse_config(config))["media_signing_public_key"] == PUBLIC_PEM + "\n"


@pytest.mark.parametrize(
    ("media", "fragments"),
    [
        (
            {
                "enabled": True,
                "signing_public_key": "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
            },
            ["media.signing_public_key", "RSA public key in PEM", "zonke secrets set MEDIA_SIGNING_KEY"],
        ),
        ({"signing_public_key": PUBLIC_PEM}, ["media", "signing_public_key needs enabled = true"]),
    ],
    ids=["private-key-given", "media-off"],
)
def test_a_bad_signing_key_is_refused_with_the_fix(media: dict[str, Any], fragments: list[str]) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config({"app": {"name": "shop"}, "media": media})
    for fragment in fragments:
        assert fragment in str(error.value)
    # a private key pasted by mistake is never echoed back
    assert "abc" not in str(error.value)


def test_environment_tables_override_the_base() -> None:
    data = {
        "app": {"name": "shop"},
        "compute": {"min": 2, "max": 8},
        "env": {"staging": {"compute": {"max": 2}, "database": {"multi_az": False}}},
    }
    staging = to_tfvars(parse_config(data, env="staging"))
    assert (staging["environment"], staging["min_count"], staging["max_count"]) == ("staging", 2, 2)
    prod = to_tfvars(parse_config(data, env="prod"))
    assert prod["max_count"] == 8
    with pytest.raises(ConfigError, match=r"no environment 'qa'.*\[env.qa\]"):
        parse_config(data, env="qa")


def test_starter_file_is_valid_and_found_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "zonke.toml").write_text(starter_config("shop"))
    sub = tmp_path / "app" / "shop"
    sub.mkdir(parents=True)
    assert find_config(sub) == tmp_path / "zonke.toml"
    config = load_config(find_config(sub))
    assert config.prefix == "shop-prod"
    with pytest.raises(ConfigError, match="zonke init"):
        find_config(Path("/"))


def test_invalid_toml_is_reported_with_the_path(tmp_path: Path) -> None:
    bad = tmp_path / "zonke.toml"
    bad.write_text("[app\nname=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


@pytest.mark.parametrize("name", ["main", "release/2026", "feature/x-1", "v1.2"])
def test_valid_branches(name: str) -> None:
    assert valid_branch(name)


@pytest.mark.parametrize("name", ["", "-x", "a..b", "a b", "x.lock", "a//b", "a/.b", "x~1", "a:b", "end/"])
def test_invalid_branches(name: str) -> None:
    assert not valid_branch(name)


def test_reserved_secret_names_are_the_ones_the_modules_provide() -> None:
    """One list (config.py), used by the config check and the day-2 operations alike, and
    equal to the names the rds and secrets modules put into the container's environment."""
    import re

    from zonke_tf import ops
    from zonke_tf.config import DATABASE_KEYS, GENERATED_SECRET_KEYS, RESERVED_SECRET_KEYS, STARTED_KEYS

    repo = Path(__file__).resolve().parents[2]
    rds = (repo / "modules" / "rds" / "outputs.tf").read_text()
    provided = set(re.findall(r'name = "(DB_[A-Z_]+)"', rds)) | set(
        re.findall(r"^ +(DB_[A-Z_]+) += ", rds, re.M)
    )
    assert provided == DATABASE_KEYS
    secrets = (repo / "modules" / "secrets" / "main.tf").read_text()
    assert set(re.findall(r'django_key_name += "([A-Z_]+)"', secrets)) == GENERATED_SECRET_KEYS
    start = (repo / "examples" / "django-monolith" / "container_start.py").read_text()
    assert set(re.findall(r'env\["([A-Z_]+)"\] = ', start)) == STARTED_KEYS
    assert RESERVED_SECRET_KEYS == DATABASE_KEYS | GENERATED_SECRET_KEYS | STARTED_KEYS
    assert ops.RESERVED_KEYS is DATABASE_KEYS and ops.PROTECTED_KEYS is GENERATED_SECRET_KEYS


def test_connection_arn_never_turns_the_created_connection_off() -> None:
    """Putting the created connection's ARN into zonke.toml (after the handshake) keeps
    create_connection as it was: the stack never deletes the connection for it."""
    arn = "arn:aws:codeconnections:us-east-1:123456789012:connection/01234567-89ab-cdef-0123-456789abcdef"
    before = to_tfvars(parse_config(BASE))
    after = to_tfvars(parse_config(with_("pipeline", connection_arn=arn)))
    assert before["create_connection"] is True and after["create_connection"] is True
    assert after["connection_arn"] == arn
    external = to_tfvars(parse_config(with_("pipeline", connection_arn=arn, create_connection=False)))
    assert external["create_connection"] is False
