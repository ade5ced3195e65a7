"""Canaries: every test marked ``@pytest.mark.fix("<name>")`` runs twice, on the shared
emulator (all fixes) and on an emulator started without that one fix, where it must fail
(a strict xfail). A canary that passes means moto now behaves as AWS does there: the fix
can go (see zonke_emulator/compat/__init__.py)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from zonke_emulator import Emulator, compat

WITH_FIX = "with-fix"
WITHOUT_FIX = "without-fix"
# Emulators without a fix kept alive per test process: tests of one fix run next to each
# other, and each emulator holds a moto server's memory.
KEPT = 2


def _fix_name(definition: pytest.Function | pytest.Item) -> str | None:
    marker = definition.get_closest_marker("fix")
    if marker is None:
        return None
    (name,) = marker.args
    if name not in compat.discover():
        raise pytest.UsageError(f"{definition.nodeid}: no compatibility fix is named {name!r}")
    return str(name)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    name = _fix_name(metafunc.definition)
    if name is None:
        return
    canary = pytest.mark.xfail(
        strict=True,
        # What a check that found the emulator differing raises: a failed assertion or an AWS
        # error answer. Not a connection error or a timeout (an emulator that stopped
        # answering), nor an emulator that did not start (RuntimeError below): those fail
        # the canary.
        raises=(AssertionError, pytest.fail.Exception, ClientError),
        reason=f"canary: the emulator without the {name!r} fix differs from AWS; "
        "if this passes, moto has caught up and the fix can go",
    )
    metafunc.parametrize("compat_mode", [WITH_FIX, pytest.param(WITHOUT_FIX, marks=canary)], scope="function")


@pytest.fixture
def compat_mode(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", WITH_FIX))


@pytest.fixture(scope="session")
def emulators_without_a_fix() -> Iterator[OrderedDict[tuple[str, bool], Emulator]]:
    started: OrderedDict[tuple[str, bool], Emulator] = OrderedDict()
    yield started
    for emu in started.values():
        emu.stop()


def _pick(
    request: pytest.FixtureRequest,
    shared: Emulator,
    compat_mode: str,
    started: OrderedDict[tuple[str, bool], Emulator],
    *,
    enforce_iam: bool,
) -> Emulator:
    name = _fix_name(request.node)
    if compat_mode == WITH_FIX or name is None:
        return shared
    key = (name, enforce_iam)
    if key not in started:
        while len(started) >= KEPT:
            started.popitem(last=False)[1].stop()
        emu = Emulator(without_fixes=(name,), enforce_iam=enforce_iam)
        try:
            emu.start()
        except Exception as exc:  # any start failure (the IAM bootstrap's ClientError too)
            emu.stop()
            raise RuntimeError(f"the emulator without {name!r} did not start: {exc}") from exc
        started[key] = emu
    started.move_to_end(key)
    return started[key]


@pytest.fixture
def emulator(
    request: pytest.FixtureRequest,
    emulator: Emulator,
    compat_mode: str,
    emulators_without_a_fix: OrderedDict[tuple[str, bool], Emulator],
) -> Emulator:
    """The shared emulator, or for a canary an emulator started without the test's fix."""
    return _pick(request, emulator, compat_mode, emulators_without_a_fix, enforce_iam=False)


@pytest.fixture(scope="session")
def shared_enforced() -> Iterator[Emulator]:
    with Emulator(enforce_iam=True) as emu:
        yield emu


@pytest.fixture
def enforced(
    request: pytest.FixtureRequest,
    shared_enforced: Emulator,
    compat_mode: str,
    emulators_without_a_fix: OrderedDict[tuple[str, bool], Emulator],
) -> Emulator:
    """An emulator enforcing IAM (tests/emulator/test_iam_enforcement.py), or for a canary one
    started without the test's fix."""
    return _pick(request, shared_enforced, compat_mode, emulators_without_a_fix, enforce_iam=True)
