"""The ``zonke`` command line: one module per command group, one console, one exit-code table.

| Module | Commands |
| --- | --- |
| ``stack`` | ``init``, ``check-app``, ``render``, ``plan``, ``apply``/``deploy``, |
| | ``destroy``, ``output``, ``bootstrap`` |
| ``secrets`` | ``secrets list``, ``get``, ``set``, ``delete`` |
| ``service`` | ``scale``, ``status``, ``migrate`` |
| ``pipeline`` | ``pipeline run`` |
| ``origin`` | ``origin-secret rotate`` |
| ``tasks`` | ``run``, ``shell``, ``logs``, ``releases``, ``rollback`` |
| ``dashboard`` | ``dashboard`` |

``app`` builds the parser from the groups and runs a command; ``console`` is where every
command writes (text, or one JSON document with ``--json``); ``exits`` maps each error type
to its documented exit code; ``common`` holds the options every command takes. Commands are
thin: each operation lives once in :mod:`zonke_tf.ops`, :mod:`zonke_tf.ops_tasks` or
:mod:`zonke_tf.api`, which the Python API and the dashboard call too.
"""

from __future__ import annotations

from zonke_tf.cli.app import build_parser, main
from zonke_tf.cli.console import Console
from zonke_tf.cli.exits import (
    EXIT_AWS,
    EXIT_CODES,
    EXIT_EMULATOR,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TOOL,
    EXIT_USAGE,
    exit_code,
    exit_code_table,
)

__all__ = [
    "EXIT_AWS",
    "EXIT_CODES",
    "EXIT_EMULATOR",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TOOL",
    "EXIT_USAGE",
    "Console",
    "build_parser",
    "exit_code",
    "exit_code_table",
    "main",
]
