"""Fixtures for the example stack: a copy of examples/django-monolith pointed at the emulator."""

from __future__ import annotations

import pytest

from tests.examples.local_root import point_at_emulator
from tests.support import TerraformRoot
from tests.support.example import EXAMPLE
from zonke_emulator import Emulator


@pytest.fixture(scope="module")
def example(make_root, emulator: Emulator) -> TerraformRoot:  # type: ignore[no-untyped-def]
    """The example root, initialised once per test module; its own provider block is
    pointed at the emulator by the override file `zonke --local` writes."""
    root = make_root(EXAMPLE, with_provider=False)
    return point_at_emulator(root, emulator.url).init()
