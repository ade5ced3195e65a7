"""Typed errors raised by the library. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class ZonkeError(Exception):
    """Base class of every error the library raises on purpose."""


class ToolNotFoundError(ZonkeError):
    """A program the operation needs (terraform, the emulator) is not installed."""


class EmulatorError(ZonkeError):
    """The local AWS emulator could not be started or did not answer."""
