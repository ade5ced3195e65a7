"""The wrapper's one seam to the emulator (the ``zonke_emulator`` package), loaded for
``--local`` only.

``zonke deploy --local`` starts the project's emulator in the background (if it is not
already running), records its port and process id in ``.zonke/local-emulator.json`` and
deploys into it; the day-2 commands with ``--local`` talk to it; ``zonke destroy --local``
destroys the stack and stops it. The wrapper reaches the emulator only through this module,
which re-exports what it uses and turns the emulator's own errors into the wrapper's
(:func:`translated`), so the CLI maps them to its exit codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zonke_emulator import DUMMY_CREDENTIALS, STATE_FILE, Emulator, provider_block
from zonke_emulator import errors as emulator_errors
from zonke_emulator.iam import Credentials, assume_as_service, client
from zonke_tf.errors import EmulatorError, ToolNotFoundError

__all__ = [
    "DUMMY_CREDENTIALS",
    "STATE_FILE",
    "Credentials",
    "Emulator",
    "LocalEmulator",
    "assume_as_service",
    "client",
    "provider_block",
    "translated",
]


@contextmanager
def translated() -> Iterator[None]:
    """Run a block with the emulator's errors raised as the wrapper's: moto missing or of the
    wrong version is a missing tool (exit 3), any other emulator failure an EmulatorError (5)."""
    try:
        yield
    except emulator_errors.MotoUnavailableError as exc:
        raise ToolNotFoundError(str(exc)) from exc
    except emulator_errors.EmulatorError as exc:
        raise EmulatorError(str(exc)) from exc


def LocalEmulator(project_dir: Path, startup_timeout: float = 30.0) -> Emulator:
    """The background emulator of one project folder."""
    return Emulator.background(project_dir, startup_timeout)
