"""The one emulator launcher, in its two modes: foreground (tests) and background (--local)."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

import zonke_emulator as emulator_module
from zonke_emulator import STATE_FILE, Emulator
from zonke_emulator.errors import MotoUnavailableError


def test_background_mode_outlives_its_launcher_and_is_found_again(tmp_path: Path) -> None:
    first = Emulator.background(tmp_path)
    url, started = first.ensure_running()
    try:
        assert started and url.startswith("http://127.0.0.1:")
        state = json.loads((tmp_path / ".zonke" / STATE_FILE).read_text())
        assert state["url"] == url and state["pid"] > 0
        assert os.getsid(state["pid"]) != os.getsid(0), "its own session: Ctrl-C does not reach it"
        # another command (another launcher object) finds the same process
        again = Emulator.background(tmp_path)
        assert again.running_url() == url and again.ensure_running() == (url, False)
        assert again.applied_fixes() == first.applied_fixes()
        assert again.stop() is True
        assert not (tmp_path / ".zonke" / STATE_FILE).exists()
        assert Emulator.background(tmp_path).running_url() is None
        assert Emulator.background(tmp_path).stop() is False
    finally:
        first.stop()


def test_foreground_mode_is_a_child_that_leaves_nothing(tmp_path: Path) -> None:
    emu = Emulator()
    with emu:
        assert emu.running_url() == emu.url and emu._log is not None and emu._log.is_file()
        log = emu._log
        assert os.getsid(emu._proc.pid) == os.getsid(0)  # type: ignore[union-attr]
    assert emu.running_url() is None and not log.exists()
    with pytest.raises(Exception, match="not running"):
        _ = emu.url


def test_moto_is_checked_before_any_process_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def too_old() -> str:
        raise MotoUnavailableError(
            "the AWS emulator needs moto[server]>=5.2.5,<5.2.6, but moto 5.2.1 is installed"
        )

    monkeypatch.setattr(emulator_module, "check_moto", too_old)
    with pytest.raises(MotoUnavailableError, match=r"moto 5\.2\.1"):
        Emulator.background(tmp_path).start()
    assert not (tmp_path / ".zonke").exists(), "nothing started, nothing written"


def test_stop_accepts_a_process_that_exits_between_the_check_and_the_signal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen in the soak under load: the server outlived the grace period, then exited just
    before the SIGKILL, and `os.kill` raised ProcessLookupError out of `zonke destroy`."""
    state = tmp_path / ".zonke" / STATE_FILE
    state.parent.mkdir()
    state.write_text(json.dumps({"pid": 4242424, "port": 1}))
    sent: list[int] = []

    def gone(pid: int, sig: int) -> None:
        sent.append(sig)
        raise ProcessLookupError(3, "No such process")

    monkeypatch.setattr(emulator_module, "_alive", lambda pid: True)  # until the last check
    monkeypatch.setattr(emulator_module.os, "kill", gone)
    monkeypatch.setattr(emulator_module.time, "sleep", lambda seconds: None)
    assert Emulator.background(tmp_path).stop() is True
    assert sent == [signal.SIGTERM, signal.SIGKILL]
    assert not state.exists()
