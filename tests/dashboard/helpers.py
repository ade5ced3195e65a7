"""Small helpers shared by the dashboard tests."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="([^"]*)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def version_of(html: str) -> str:
    found = VERSION.search(html)
    assert found, "the page has no version field"
    return found.group(1)


def toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text())


def secret_json(aws_client: Any, arn: str) -> dict[str, str]:
    import json

    return dict(json.loads(aws_client.get_secret_value(SecretId=arn)["SecretString"]))
