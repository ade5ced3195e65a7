"""The emulator's own error types: it imports nothing of the wrapper (``zonke_tf``).

The wrapper translates them at its one seam (``zonke_tf.local.translated``) into its typed
errors, which the CLI maps to exit codes.
"""

from __future__ import annotations


class EmulatorError(Exception):
    """The emulator could not be started, did not answer, or was asked for what it lacks."""


class MotoUnavailableError(EmulatorError):
    """moto is missing, outside the supported range, or cannot load; the message names the
    installed and the required versions and the install command."""


__all__ = ["EmulatorError", "MotoUnavailableError"]
