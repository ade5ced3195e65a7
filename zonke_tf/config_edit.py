"""Change a few settings of ``zonke.toml`` in place, keeping its comments and layout.

The day-2 commands record what they change (scaling bounds, declared secret keys) in the
config, so that the next ``zonke plan`` renders the same values and Terraform does not
undo them. The edit is checked by loading the file again; on any mismatch the original
text is put back.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from zonke_tf.config import AppConfig, parse_config
from zonke_tf.errors import ConfigError
from zonke_tf.ops import PROTECTED_KEYS

_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")


def _value_end(lines: list[str], start: int) -> int:
    """Index of the last line of the value that starts on line ``start`` (arrays may span lines)."""
    depth = 0
    for i in range(start, len(lines)):
        text = lines[i].split("#", 1)[0] if '"' not in lines[i] else lines[i]
        depth += text.count("[") - text.count("]")
        if depth <= 0:
            return i
    return start


def edit_text(text: str, table: str, values: Mapping[str, Any]) -> str:
    lines = text.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if (m := _HEADER.match(line)) and m.group(1).strip() == table),
        None,
    )
    if start is None:
        block = [f"[{table}]"] + [f"{k} = {_toml_value(v)}" for k, v in values.items()]
        return text.rstrip("\n") + "\n\n" + "\n".join(block) + "\n"
    end = next((i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])), len(lines))
    for key, value in values.items():
        pattern = re.compile(rf"^(\s*){re.escape(key)}(\s*)=")
        found = next((i for i in range(start + 1, end) if pattern.match(lines[i])), None)
        rendered = f"{key} = {_toml_value(value)}"
        if found is None:
            insert_at = start + 1
            for i in range(start + 1, end):
                if lines[i].strip() and not lines[i].lstrip().startswith("#"):
                    insert_at = _value_end(lines, i) + 1
            lines.insert(insert_at, rendered)
            end += 1
            continue
        last = _value_end(lines, found)
        comment = ""
        if "#" in lines[last]:
            tail = lines[last].rsplit("#", 1)
            if tail[0].count('"') % 2 == 0:
                comment = "  # " + tail[1].strip()
        key_line = pattern.match(lines[found])
        assert key_line is not None  # found is the index of a line this pattern matched
        indent = key_line.group(1)
        lines[found : last + 1] = [f"{indent}{rendered}{comment}"]
        end -= last - found
    return "\n".join(lines) + "\n"


def section_for(path: Path, env: str | None, section: str) -> str:
    """The table to write ``section`` into: ``env.<env>.<section>`` when the file defines
    that environment, else the base table."""
    data = tomllib.loads(path.read_text())
    if env and env in (data.get("env") or {}):
        return f"env.{env}.{section}"
    return section


def update_config(path: Path, env: str | None, section: str, values: Mapping[str, Any]) -> AppConfig:
    """Write ``values`` into ``section`` of the config and return the config as reloaded."""
    original = path.read_text()
    table = section_for(path, env, section)
    new_text = edit_text(original, table, values)
    try:
        config = parse_config(tomllib.loads(new_text), env=env, source=str(path))
    except (ConfigError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"could not record the change in {path}: {exc}") from None
    path.write_text(new_text)
    return config


def record_secret_keys(path: Path, env: str | None, keys: list[str]) -> AppConfig:
    """Record the app secret's key set in the config after a day-2 change (CLI and dashboard).
    Protected keys (created by the stack itself) are not declared."""
    declared = sorted(k for k in keys if k not in PROTECTED_KEYS)
    return update_config(path, env, "secrets", {"keys": declared})


def record_scaling(path: Path, env: str | None, minimum: int, maximum: int) -> AppConfig:
    """Record the autoscaling bounds in the config after a day-2 change (CLI and dashboard)."""
    return update_config(path, env, "compute", {"min": minimum, "max": maximum})
