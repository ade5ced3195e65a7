"""Small parts of the dashboard that need no server: client caching, status colours, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zonke_tf import ops
from zonke_tf.dashboard.app import cached_clients, status_class
from zonke_tf.dashboard.audit import AuditLog


def test_one_client_per_service_is_made_once() -> None:
    made: list[str] = []

    def factory(service: str) -> Any:
        made.append(service)
        return object()

    stack = cached_clients(ops.Stack(outputs={"a": 1}, client=factory))
    assert stack.client("ecs") is stack.client("ecs")
    assert stack.client("sts") is not stack.client("ecs")
    assert made == ["ecs", "sts"] and stack.outputs == {"a": 1}


def test_status_reads_only_the_parts_asked_for() -> None:
    asked: list[str] = []

    def factory(service: str) -> Any:
        asked.append(service)
        raise RuntimeError("no AWS here")

    st = ops.status(
        ops.Stack(outputs={"cluster_name": "c", "service_name": "s"}, client=factory), ("service",)
    )
    assert asked == ["ecs"] and st.scaling == {} and len(st.unavailable) == 1


def test_status_words_map_to_colours_and_unknown_words_stay_neutral() -> None:
    assert status_class("SUCCEEDED") == "good" and status_class("Succeeded") == "good"
    assert status_class("FAILED") == "bad" and status_class("InProgress") == "busy"
    assert status_class("SOMETHING") == "neutral" and status_class(None) == "neutral"


def test_audit_log_is_newest_first_and_skips_broken_lines(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a" / "audit.jsonl")
    log.write("arn:aws:iam::1:user/a", "scale", "min=1 max=2")
    with log.path.open("a") as f:
        f.write("not json\n")
    log.write("arn:aws:iam::1:user/b", "secret set", "KEY", outcome="refused: OperationError")
    entries = log.last()
    assert [e.action for e in entries] == ["secret set", "scale"]
    assert entries[0].who.endswith("user/b") and entries[0].outcome.startswith("refused")


def test_a_bad_port_is_refused_before_anything_touches_aws(
    tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    from zonke_tf import cli

    monkeypatch.chdir(tmp_path)  # no zonke.toml here: the port is checked first
    assert cli.main(["dashboard", "--port", "80", "--no-browser"]) == 2
    assert "--port 80 is out of range: allowed 1024 to 65535" in capsys.readouterr().err


def test_without_a_config_the_command_says_how_to_make_one(
    tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    from zonke_tf import cli

    monkeypatch.chdir(tmp_path)
    assert cli.main(["dashboard", "--no-browser"]) == 2
    assert "zonke.toml" in capsys.readouterr().err
