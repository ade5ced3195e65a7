"""Subset matching of planned values against expectations kept in YAML beside a test.

An expectations file has up to three sections::

    resources:            # address -> attributes (a subset: unlisted attributes are ignored)
      aws_vpc.this:
        cidr_block: 10.0.0.0/16
        assign_generated_ipv6_cidr_block: !absent   # key must be missing or null
    counts:               # resource type -> exact number planned
      aws_nat_gateway: 1
    outputs:              # output name -> value (subset match as well)
      vpc_cidr_block: 10.0.0.0/16

Lists match element by element and must have the same length; dicts match as subsets.
An address itself may be ``!absent`` to require that the plan has no such resource.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .plan import PlanResult


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


class ExpectationError(AssertionError):
    pass


class ExpectLoader(yaml.SafeLoader):
    """YAML loader of expectations and cases files: safe, plus the ``!absent`` tag."""


ExpectLoader.add_constructor("!absent", lambda loader, node: ABSENT)


def load_expectations(path: Path) -> dict[str, Any]:
    with open(path) as fh:
        data = yaml.load(fh, Loader=ExpectLoader)
    if not isinstance(data, dict):
        raise ExpectationError(f"{path}: expected a mapping at the top level")
    unknown = set(data) - {"resources", "counts", "outputs"}
    if unknown:
        raise ExpectationError(f"{path}: unknown sections {sorted(unknown)}")
    return data


def match(actual: Any, expected: Any, path: str = "") -> list[str]:
    """Return the mismatches of ``actual`` against ``expected`` (empty when it matches)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path or '.'}: expected a mapping, got {actual!r}"]
        problems: list[str] = []
        for key, exp in expected.items():
            sub = f"{path}.{key}" if path else str(key)
            if exp is ABSENT:
                if actual.get(key) not in (None, [], {}):
                    problems.append(f"{sub}: expected absent, got {actual[key]!r}")
                continue
            if key not in actual:
                problems.append(f"{sub}: missing (expected {exp!r})")
                continue
            problems.extend(match(actual[key], exp, sub))
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: expected a list, got {actual!r}"]
        if len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} items, got {len(actual)}: {actual!r}"]
        out: list[str] = []
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            out.extend(match(a, e, f"{path}[{i}]"))
        return out
    if actual != expected:
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []


def assert_plan_matches(plan: PlanResult, expected: dict[str, Any] | Path) -> None:
    """Raise :class:`ExpectationError` listing every mismatch of ``plan`` against ``expected``."""
    if isinstance(expected, Path):
        expected = load_expectations(expected)
    problems: list[str] = []
    for addr, attrs in (expected.get("resources") or {}).items():
        if attrs is ABSENT:
            if addr in plan.values:
                problems.append(f"{addr}: expected no such resource in the plan")
            continue
        if addr not in plan.values:
            near = sorted(a for a in plan.values if a.split("[")[0] == addr.split("[")[0])
            problems.append(f"{addr}: not in the plan (same resource with other keys: {near})")
            continue
        problems.extend(f"{addr}.{p}" for p in match(plan.values[addr], attrs))
    for rtype, n in (expected.get("counts") or {}).items():
        got = plan.counts.get(rtype, 0)
        if got != n:
            problems.append(f"count of {rtype}: expected {n}, got {got}")
    problems.extend(f"output {p}" for p in match(plan.outputs, expected.get("outputs") or {}))
    if problems:
        raise ExpectationError("plan does not match expectations:\n  " + "\n  ".join(problems))
