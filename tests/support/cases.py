"""Declarative module plan cases: ``cases.yaml`` beside a module's tests.

A cases file names the root, the variables every case starts from, and the cases: each
either plans and matches expectations (a subset of planned values, counts and outputs, as
in :mod:`.expect`; inline or in a file beside it) or must fail with an error text::

    root: modules/network
    base:                       # variables of every case
      name: demo
    cases:
      defaults:
        expect: expected_default.yaml
      two_nat_gateways:
        variables: {nat_gateway_mode: per_az}
        expect:
          counts: {aws_nat_gateway: 2}
      bad_cidr:
        variables: {cidr_block: 10.0.0.0}
        error: cidr_block must be an IPv4 CIDR
      two_mistakes:             # every listed text must appear (one per mistake)
        variables: {cidr_block: 10.0.0.0, az_count: 4}
        error: [cidr_block must be an IPv4 CIDR, az_count must be 2 or 3]
        only: true              # and Terraform reports no other error

The tests' conftest collects every ``cases.yaml`` as a test module (:class:`CasesModule`):
one test per case, ``tests/modules/network/cases.yaml::test_case[bad_cidr]``, sharing one
initialised copy of the root. ``pytest --update-expected`` rewrites what a failing case
expects (the listed attributes, counts and outputs with the planned ones; an error text with
Terraform's messages) instead of failing; review the diff before committing it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from .expect import ABSENT, ExpectationError, ExpectLoader, assert_plan_matches, load_expectations
from .plan import PlanResult, TerraformRoot, one_line

CASES_FILE = "cases.yaml"
UPDATE_OPTION = "--update-expected"


class CasesError(ValueError):
    """A cases file that does not say what a case is."""


@dataclass(frozen=True)
class Case:
    name: str
    variables: dict[str, Any]
    expect: dict[str, Any] | None = None
    expect_file: Path | None = None
    error: tuple[str, ...] | None = None
    only: bool = False


@dataclass(frozen=True)
class CasesFile:
    path: Path
    root: str
    base: dict[str, Any]
    cases: dict[str, Case] = field(default_factory=dict)

    def variables(self, name: str) -> dict[str, Any]:
        """The variables case ``name`` plans with: the base, then its own (for a Python test
        that checks more of the same plan than a subset match can say)."""
        return self.base_vars(**copy.deepcopy(self.cases[name].variables))

    def base_vars(self, **overrides: Any) -> dict[str, Any]:
        """A fresh copy of the base with ``overrides`` on top: the one spelling of a module's
        usual inputs, for the Python plan and apply tests beside the cases file."""
        return {**copy.deepcopy(self.base), **overrides}


def cases_beside(test_file: str) -> CasesFile:
    """The cases file in the folder of ``test_file`` (a test module's ``__file__``)."""
    return load_cases(Path(test_file).with_name(CASES_FILE))


def load_cases(path: Path) -> CasesFile:
    data = yaml.load(path.read_text(), Loader=ExpectLoader)
    if not isinstance(data, dict):
        raise CasesError(f"{path}: expected a mapping with root, base and cases")
    unknown = set(data) - {"root", "base", "cases"}
    if unknown or not isinstance(data.get("root"), str) or not isinstance(data.get("cases"), dict):
        raise CasesError(
            f"{path}: needs `root` (a path) and `cases` (a mapping); unknown keys {sorted(unknown)}"
        )
    cases: dict[str, Case] = {}
    for name, spec in data["cases"].items():
        if not re.fullmatch(r"[a-z0-9_]+", str(name)) or not isinstance(spec, dict):
            raise CasesError(f"{path}: case {name!r} must be a snake_case name with a mapping")
        extra = set(spec) - {"variables", "expect", "error", "only"}
        if extra or ("expect" in spec) == ("error" in spec):
            raise CasesError(
                f"{path}: case {name} needs one of `expect` and `error` (and optionally `variables`)"
            )
        if "only" in spec and ("error" not in spec or not isinstance(spec["only"], bool)):
            raise CasesError(f"{path}: case {name}: `only` (true or false) goes with `error`")
        error = spec.get("error")
        if error is not None and not (
            isinstance(error, str) or (isinstance(error, list) and all(isinstance(e, str) for e in error))
        ):
            raise CasesError(f"{path}: case {name}: `error` is a text or a list of texts")
        expect = spec.get("expect")
        expect_file = path.parent / expect if isinstance(expect, str) else None
        cases[name] = Case(
            name=name,
            variables=dict(spec.get("variables") or {}),
            expect=None if expect_file else dict(expect) if expect is not None else None,
            expect_file=expect_file,
            error=None if error is None else (error,) if isinstance(error, str) else tuple(error),
            only=bool(spec.get("only", False)),
        )
    return CasesFile(path=path, root=data["root"], base=dict(data.get("base") or {}), cases=cases)


# Where Terraform names the validation rule that failed, after its error_message.
CHECKED_BY = "This was checked by"


def _errors(diagnostics: str) -> list[tuple[str, str, str]]:
    """Terraform's errors, each once (tftest's text holds the diagnostics twice): the summary,
    the location and the message, each on one line."""
    flat = re.sub(r"[│╷╵]", " ", diagnostics) + "\n"
    found = re.finditer(
        r"Error: (?P<summary>.*)\n\s*\n(?:\s*on (?P<where>.*?)\n(?:.*\n)*?\s*\n)?(?P<message>(?:.*\S.*\n)+)",
        flat,
    )
    errors = [
        (one_line(m["summary"]), one_line(m["where"] or ""), one_line(m["message"].split(CHECKED_BY)[0]))
        for m in found
    ]
    return list(dict.fromkeys(errors))


def error_count(diagnostics: str) -> int:
    """How many distinct errors Terraform's diagnostics report."""
    return len(_errors(diagnostics))


def terraform_messages(diagnostics: str) -> list[str]:
    """Each error's own message in Terraform's diagnostics (a validation's error_message), on
    one line: the text after the error's location and before "This was checked by"."""
    return list(dict.fromkeys(message for _, _, message in _errors(diagnostics))) or [one_line(diagnostics)]


# --- rewriting expectations (--update-expected) ---


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(type(ABSENT), lambda dumper, _: dumper.represent_scalar("!absent", ""))


def _refreshed(actual: Any, expected: Any) -> Any:
    """``expected`` with each listed value replaced by the planned one (the shape is kept)."""
    if expected is ABSENT:
        return ABSENT if actual in (None, [], {}) else actual
    if isinstance(expected, dict) and isinstance(actual, dict):
        return {k: (_refreshed(actual[k], v) if k in actual else v) for k, v in expected.items()}
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [_refreshed(a, e) for a, e in zip(actual, expected, strict=True)]
    return actual


def refreshed_expectations(plan: PlanResult, expected: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "resources" in expected:
        out["resources"] = {
            addr: (
                attrs
                if attrs is ABSENT and addr not in plan.values
                else _refreshed(plan.values.get(addr), attrs)
            )
            for addr, attrs in (expected["resources"] or {}).items()
        }
    if "counts" in expected:
        out["counts"] = {rtype: plan.counts.get(rtype, 0) for rtype in expected["counts"] or {}}
    if "outputs" in expected:
        out["outputs"] = _refreshed(plan.outputs, expected["outputs"] or {})
    return out


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _leading_comments(text: str) -> str:
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def write_expect_file(path: Path, expected: dict[str, Any]) -> None:
    path.write_text(_leading_comments(path.read_text()) + _dump(expected))


def rewrite_case(path: Path, name: str, key: str, value: Any) -> None:
    """Set ``cases.<name>.<key>`` in a cases file, keeping its leading comments."""
    text = path.read_text()
    data = yaml.load(text, Loader=ExpectLoader)
    data["cases"][name][key] = value
    path.write_text(_leading_comments(text) + _dump(data))


# --- the test module every cases.yaml is collected as ---


def _file(request: pytest.FixtureRequest) -> CasesFile:
    return load_cases(Path(request.node.path))


@pytest.fixture(scope="module")
def cases_root(request: pytest.FixtureRequest, make_root: Any) -> TerraformRoot:
    root: TerraformRoot = make_root(_file(request).root).init()
    return root


def _test_case(request: pytest.FixtureRequest, cases_root: TerraformRoot, case_name: str) -> None:
    cases = _file(request)
    case = cases.cases[case_name]
    variables = cases.variables(case_name)
    update = bool(request.config.getoption(UPDATE_OPTION))
    if case.error is not None:
        diagnostics = cases_root.plan_error(variables)
        flat = one_line(diagnostics)
        missing = [text for text in case.error if text not in flat]
        count = error_count(diagnostics)
        if not missing and not (case.only and count != len(case.error)):
            return
        if update:
            messages = terraform_messages(diagnostics)
            rewrite_case(cases.path, case_name, "error", messages[0] if len(messages) == 1 else messages)
            return
        if missing:
            raise AssertionError(f"{case_name}: the error does not say {missing}:\n{diagnostics}")
        raise AssertionError(f"{case_name}: {count} errors, `only` lists {len(case.error)}:\n{diagnostics}")
    plan = cases_root.plan(variables)
    expected = load_expected(case)
    try:
        assert_plan_matches(plan, expected)
    except ExpectationError:
        if not update:
            raise
        fresh = refreshed_expectations(plan, expected)
        if case.expect_file is not None:
            write_expect_file(case.expect_file, fresh)
        else:
            rewrite_case(cases.path, case_name, "expect", fresh)


def load_expected(case: Case) -> dict[str, Any]:
    if case.expect_file is not None:
        return load_expectations(case.expect_file)
    return case.expect or {}


def _generate(metafunc: pytest.Metafunc) -> None:
    if "case_name" not in metafunc.fixturenames:
        return
    cases = load_cases(Path(metafunc.definition.path))
    group = pytest.mark.xdist_group(str(cases.path))
    metafunc.parametrize(
        "case_name", [pytest.param(name, id=name, marks=group) for name in cases.cases], scope="function"
    )


def cases_module() -> ModuleType:
    """The module object a cases file is collected as: one parametrised test and its fixture."""
    module = ModuleType("tests.support.cases_module")
    module.__dict__.update(
        {"cases_root": cases_root, "pytest_generate_tests": _generate, "test_case": _test_case}
    )
    return module


class CasesModule(pytest.Module):
    """A ``cases.yaml`` collected as a test module of :func:`cases_module`."""

    def _getobj(self) -> ModuleType:
        return cases_module()


__all__ = ["CASES_FILE", "UPDATE_OPTION", "CasesError", "CasesModule", "cases_beside", "load_cases"]
