"""The one recording of day-2 changes in zonke.toml, shared by the CLI and the dashboard."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from zonke_tf.cli import secrets as secrets_commands
from zonke_tf.cli import service as service_commands
from zonke_tf.config_edit import record_scaling, record_secret_keys
from zonke_tf.errors import ConfigError

BASE = """# my app
[app]
name = "shop"
environment = "prod"
region = "us-east-1"

[compute]
min = 1  # floor
max = 4

[secrets]
keys = []

[env.staging.compute]
min = 1
max = 2
"""


def test_keys_are_recorded_sorted_without_the_stack_s_own(tmp_path: Path) -> None:
    path = tmp_path / "zonke.toml"
    path.write_text(BASE)
    record_secret_keys(path, None, ["STRIPE_KEY", "DJANGO_SECRET_KEY", "A_KEY"])
    assert tomllib.loads(path.read_text())["secrets"]["keys"] == ["A_KEY", "STRIPE_KEY"]
    assert path.read_text().startswith("# my app\n")


def test_bounds_go_to_the_environment_s_table_when_it_has_one(tmp_path: Path) -> None:
    path = tmp_path / "zonke.toml"
    path.write_text(BASE)
    record_scaling(path, "staging", 2, 3)
    data = tomllib.loads(path.read_text())
    assert data["env"]["staging"]["compute"] == {"min": 2, "max": 3}
    assert data["compute"] == {"min": 1, "max": 4}
    record_scaling(path, None, 2, 6)
    assert "min = 2  # floor" in path.read_text()


def test_a_recording_the_config_refuses_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "zonke.toml"
    path.write_text(BASE)
    with pytest.raises(ConfigError, match="could not record"):
        record_scaling(path, None, 5, 2)
    assert path.read_text() == BASE


def test_the_cli_and_the_dashboard_record_through_the_shared_functions() -> None:
    from zonke_tf import day2
    from zonke_tf.dashboard import app

    assert secrets_commands.sync_secret_keys is day2.sync_secret_keys
    assert day2.record_secret_keys is record_secret_keys is app.record_secret_keys
    assert app.register_task_definitions is day2.register_task_definitions
    assert service_commands.record_scaling is record_scaling is app.record_scaling


def test_without_a_workspace_the_keys_are_recorded_and_nothing_applied(tmp_path: Path) -> None:
    from zonke_tf.day2 import sync_secret_keys

    path = tmp_path / "zonke.toml"
    path.write_text(BASE)
    assert sync_secret_keys(None, path, None, ["B", "DJANGO_SECRET_KEY"]) == []
    assert tomllib.loads(path.read_text())["secrets"]["keys"] == ["B"]
