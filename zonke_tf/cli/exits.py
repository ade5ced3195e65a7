"""Exit codes: the one table mapping each error type to its code, and the error printer."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from zonke_tf.cli.console import Console
from zonke_tf.config import find_config
from zonke_tf.errors import (
    AwsAccessDeniedError,
    AwsCredentialsError,
    AwsThrottledError,
    AwsUnreachableError,
    ConfigError,
    EmulatorError,
    InterruptedRun,
    OperationError,
    TerraformError,
    ToolNotFoundError,
    UsageError,
    ZonkeError,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_TOOL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_AWS, EXIT_EMULATOR = 4, 5

# The one table of exit codes: each error type, most specific first, and what it means.
# README.md's "Exit codes" table is generated from it (tests/wrapper/test_cli_errors.py).
EXIT_CODES: tuple[tuple[type[BaseException], int, str], ...] = (
    (ConfigError, EXIT_USAGE, "zonke.toml is missing or invalid (the message names the field and the fix)"),
    (UsageError, EXIT_USAGE, "a bad argument or input (a name, a bound, a missing --yes)"),
    (ToolNotFoundError, EXIT_TOOL, "a program it needs is missing (terraform, the emulator): install it"),
    (InterruptedRun, EXIT_INTERRUPTED, "interrupted (Ctrl-C); Terraform stopped cleanly"),
    (TerraformError, EXIT_FAILED, "Terraform failed; its diagnostics follow"),
    (AwsCredentialsError, EXIT_AWS, "AWS: no credentials, or expired ones: sign in again"),
    (AwsAccessDeniedError, EXIT_AWS, "AWS: permission denied"),
    (AwsThrottledError, EXIT_AWS, "AWS: throttled: wait and retry"),
    (AwsUnreachableError, EXIT_AWS, "AWS (or the emulator) cannot be reached"),
    (OperationError, EXIT_AWS, "a day-2 operation failed (missing resource, conflict, stack not deployed)"),
    (EmulatorError, EXIT_EMULATOR, "the local emulator could not start or answer"),
    (ZonkeError, EXIT_FAILED, "any other failure"),
    (KeyboardInterrupt, EXIT_INTERRUPTED, "interrupted (Ctrl-C) outside a Terraform run"),
)


def exit_code(exc: BaseException) -> int:
    """The exit code of an error, from :data:`EXIT_CODES`."""
    for kind, code, _ in EXIT_CODES:
        if isinstance(exc, kind):
            return code
    raise exc


def exit_code_table() -> str:
    """The markdown table of exit codes README.md shows (generated from :data:`EXIT_CODES`)."""
    rows = ["| exit code | when | error type |", "|---|---|---|", "| 0 | success | |"]
    rows += [f"| {code} | {text} | `{kind.__name__}` |" for kind, code, text in EXIT_CODES]
    return "\n".join(rows) + "\n"


def emulator_faults(args: argparse.Namespace) -> list[str]:
    """After a failed --local Terraform run: the calls the emulator itself failed (HTTP 5xx).
    The SDK repeats such a call, so Terraform reports the repeat's error ("already exists"),
    which points at the stack when the fault is the emulator's."""
    if not getattr(args, "local", False):
        return []
    from zonke_tf.local import Emulator

    try:
        project = (Path(args.config) if getattr(args, "config", None) else find_config()).resolve().parent
    except ZonkeError:
        return []
    faults = Emulator.background(project).server_errors()
    if not faults:
        return []
    return [
        "The emulator answered these calls with HTTP 5xx (its fault, not the stack's; the SDK "
        f"repeated them), see {project / '.zonke' / 'local-emulator.log'}:",
        *faults,
    ]


def fail(console: Console, exc: Exception, code: int, diagnostics: list[str] | None = None) -> int:
    if console.as_json:
        print(json.dumps({"ok": False, "error": str(exc), "diagnostics": diagnostics or []}, indent=2))
    else:
        print(f"error: {exc}", file=sys.stderr)
        for diag in diagnostics or []:
            print(diag, file=sys.stderr)
    return code
