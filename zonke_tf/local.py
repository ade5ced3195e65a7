"""Local mode's emulator: the background mode of the one launcher, :class:`zonke_tf.emulator.Emulator`.

``zonke deploy --local`` starts it (if it is not already running) in the background,
records its port and process id in ``.zonke/local-emulator.json``, and deploys into it;
the day-2 commands with ``--local`` talk to it; ``zonke destroy --local`` destroys the
stack and stops it. Kept as a module so ``from zonke_tf.local import LocalEmulator`` works.
"""

from __future__ import annotations

from pathlib import Path

from zonke_tf.emulator import STATE_FILE, Emulator

__all__ = ["STATE_FILE", "LocalEmulator"]


def LocalEmulator(project_dir: Path, startup_timeout: float = 30.0) -> Emulator:
    """The background emulator of one project folder (the earlier class, now a mode)."""
    return Emulator.background(project_dir, startup_timeout)
