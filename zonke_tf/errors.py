"""Typed errors raised by the library. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class ZonkeError(Exception):
    """Base class of every error the library raises on purpose."""


class ToolNotFoundError(ZonkeError):
    """A program the operation needs (terraform, the emulator) is not installed."""


class EmulatorError(ZonkeError):
    """The local AWS emulator could not be started or did not answer."""


class ConfigError(ZonkeError):
    """The app config (zonke.toml) is missing or invalid. The message names the field and the fix."""


class TerraformError(ZonkeError):
    """Terraform exited with an error. ``diagnostics`` holds its messages, intact."""

    def __init__(self, message: str, diagnostics: list[str] | None = None, exit_code: int = 1) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []
        self.exit_code = exit_code


class InterruptedRun(ZonkeError):
    """The user interrupted a Terraform run; Terraform stopped cleanly."""


class OperationError(ZonkeError):
    """A day-2 operation could not be done (bad bounds, missing resource, conflict)."""


class NoLocalStackError(OperationError):
    """A command needs the local stack, but the local emulator is not running."""
