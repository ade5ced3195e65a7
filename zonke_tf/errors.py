"""Typed errors raised by the library. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from typing import Any


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


class UsageError(OperationError):
    """Bad arguments or input to an operation (a name, a bound, a missing --yes): the user fixes
    the command line. A subclass of OperationError, so callers catching that still catch it."""


class AwsError(OperationError):
    """An AWS call failed for a reason the user must act on (see zonke_tf/aws_errors.py)."""


class AwsCredentialsError(AwsError):
    """No AWS credentials were found, or the ones found are expired or not recognised."""


class AwsAccessDeniedError(AwsError):
    """AWS refused the call: the identity lacks a permission."""


class AwsThrottledError(AwsError):
    """AWS kept throttling the calls after the SDK's retries."""


class AwsUnreachableError(AwsError):
    """The AWS endpoint (or the local emulator) could not be reached."""


class DataLossError(UsageError):
    """A plan replaces or destroys a data-bearing resource (database, bucket, secret, key,
    image repository) and data loss was not allowed (`--allow-data-loss`). ``changes`` holds
    the plan_review.ResourceChange of each such resource."""

    def __init__(self, message: str, changes: list[Any] | None = None) -> None:
        super().__init__(message)
        self.changes = changes or []
