"""The plan-cases harness (tests/support/cases.py) without Terraform: what a cases file may
say, the message it reads from Terraform's diagnostics, and what --update-expected writes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.support import ABSENT, PlanResult, assert_plan_matches, load_expectations
from tests.support.cases import (
    CasesError,
    error_count,
    load_cases,
    refreshed_expectations,
    rewrite_case,
    terraform_messages,
    write_expect_file,
)

DIAGNOSTICS = """
Error: Invalid value for variable

  on zz_test.auto.tfvars.json line 3:
   3:   "alias_name": "zonke/demo/app",
    ├────────────────
    │ var.alias_name is "zonke/demo/app"

alias_name must start with "alias/" (not "alias/aws/"), hold only letters,
digits, "/", "_" and "-", and be at most 256 characters.

This was checked by the validation rule at variables.tf:18,3-13.
"""


def plan(values: dict[str, dict[str, object]], outputs: dict[str, object] | None = None) -> PlanResult:
    counts: dict[str, int] = {}
    for address in values:
        rtype = address.split(".")[0]
        counts[rtype] = counts.get(rtype, 0) + 1
    return PlanResult(values=values, counts=counts, outputs=outputs or {}, actions={}, raw={})


def test_a_case_needs_exactly_one_of_expect_and_error(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text("root: modules/x\ncases:\n  both:\n    expect: {}\n    error: boom\n")
    with pytest.raises(CasesError, match="case both needs one of `expect` and `error`"):
        load_cases(path)
    path.write_text("root: modules/x\ncases:\n  Bad-Name:\n    error: boom\n")
    with pytest.raises(CasesError, match="snake_case"):
        load_cases(path)
    path.write_text(
        "root: modules/x\nbase: {name: demo}\ncases:\n  ok:\n    variables: {a: 1}\n    error: boom\n"
    )
    cases = load_cases(path)
    assert cases.base == {"name": "demo"} and cases.cases["ok"].variables == {"a": 1}


SECOND = """
Error: Invalid value for variable

  on zz_test.auto.tfvars.json line 4:
   4:   "deletion_window_in_days": 3,

deletion_window_in_days must be from 7 to 30.

This was checked by the validation rule at variables.tf:40,3-13.
"""


def test_the_messages_are_the_validations_error_messages_on_one_line() -> None:
    first = (
        'alias_name must start with "alias/" (not "alias/aws/"), hold only letters, digits, "/", "_" '
        'and "-", and be at most 256 characters.'
    )
    assert terraform_messages(DIAGNOSTICS) == [first]
    boxed = "".join(f"│ {line}\n" for line in (DIAGNOSTICS + SECOND).splitlines())
    assert terraform_messages(boxed) == [first, "deletion_window_in_days must be from 7 to 30."]


def test_an_error_is_a_text_or_a_list_of_texts(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text("root: modules/x\ncases:\n  two:\n    error: [one, two]\n  one:\n    error: one\n")
    cases = load_cases(path).cases
    assert (cases["two"].error, cases["one"].error) == (("one", "two"), ("one",))
    path.write_text("root: modules/x\ncases:\n  bad:\n    error: {a: 1}\n")
    with pytest.raises(CasesError, match="`error` is a text or a list of texts"):
        load_cases(path)


def test_update_refreshes_the_listed_values_only(tmp_path: Path) -> None:
    expected_file = tmp_path / "expected_default.yaml"
    expected_file.write_text(
        "# what the defaults plan\nresources:\n  aws_kms_key.this:\n    deletion_window_in_days: 30\n"
        "  aws_kms_alias.old: !absent\ncounts:\n  aws_kms_key: 2\noutputs:\n  alias_name: alias/x\n"
    )
    planned = plan(
        {"aws_kms_key.this": {"deletion_window_in_days": 7, "description": "unlisted"}},
        {"alias_name": "alias/y", "arn": None},
    )
    write_expect_file(expected_file, refreshed_expectations(planned, load_expectations(expected_file)))
    text = expected_file.read_text()
    assert text.startswith("# what the defaults plan\n")
    fresh = load_expectations(expected_file)
    assert fresh == {
        "resources": {"aws_kms_key.this": {"deletion_window_in_days": 7}, "aws_kms_alias.old": ABSENT},
        "counts": {"aws_kms_key": 1},
        "outputs": {"alias_name": "alias/y"},
    }
    assert_plan_matches(planned, fresh)


def test_update_rewrites_an_inline_case(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text("# header\nroot: modules/x\ncases:\n  bad:\n    variables: {a: 1}\n    error: old text\n")
    rewrite_case(path, "bad", "error", "new text")
    assert path.read_text().startswith("# header\n")
    assert yaml.safe_load(path.read_text())["cases"]["bad"] == {"variables": {"a": 1}, "error": "new text"}
    assert load_cases(path).cases["bad"].error == ("new text",)


def test_only_counts_the_errors_terraform_reports(tmp_path: Path) -> None:
    boxed = "".join(f"│ {line}\n" for line in (DIAGNOSTICS + SECOND).splitlines())
    assert (error_count(DIAGNOSTICS), error_count(DIAGNOSTICS + SECOND), error_count(boxed)) == (1, 2, 2)
    assert error_count(DIAGNOSTICS + SECOND + DIAGNOSTICS) == 2, "an error repeated is one error"
    assert terraform_messages(DIAGNOSTICS + DIAGNOSTICS) == terraform_messages(DIAGNOSTICS)
    path = tmp_path / "cases.yaml"
    path.write_text("root: modules/x\nbase: {a: 1}\ncases:\n  bad:\n    error: [one]\n    only: true\n")
    cases = load_cases(path)
    assert cases.cases["bad"].only is True and cases.variables("bad") == {"a": 1}
    path.write_text("root: modules/x\ncases:\n  ok:\n    expect: {}\n    only: true\n")
    with pytest.raises(CasesError, match=r"`only` .* goes with `error`"):
        load_cases(path)
