"""The usage blocks of the module READMEs match the modules they show (issue 18: README
usage snippets are checked, not just read).

For every ```hcl block of modules/*/README.md:
- a `module "x" { source = "../../modules/<dir>" ... }` call names that module, passes only
  variables it declares, and passes every variable it requires (no default);
- every `module.<alias>.<output>` reference, where some README's usage block defines the
  alias, names an output that module has.

Plans of the modules (tests/modules) and of the composed stack (tests/examples) prove the
modules work; this proves what the READMEs tell a reader to write would get that far.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import hcl2

from tests.support import REPO_ROOT

MODULES = REPO_ROOT / "modules"
META_ARGUMENTS = {
    "source",
    "version",
    "count",
    "for_each",
    "depends_on",
    "providers",
    "__is_block__",
    "__comments__",
}
REFERENCE = re.compile(r"\bmodule\.([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class Interface:
    variables: frozenset[str]
    required: frozenset[str]
    outputs: frozenset[str]


def _unquote(name: str) -> str:
    return name.strip('"')


@functools.cache
def interface(module_dir: Path) -> Interface:
    variables: dict[str, bool] = {}
    outputs: set[str] = set()
    for tf in module_dir.glob("*.tf"):
        parsed = hcl2.loads(tf.read_text())
        for block in parsed.get("variable", []):
            for name, body in block.items():
                variables[_unquote(name)] = "default" in body
        for block in parsed.get("output", []):
            outputs.update(_unquote(name) for name in block)
    return Interface(
        frozenset(variables),
        frozenset(n for n, has_default in variables.items() if not has_default),
        frozenset(outputs),
    )


def usage_blocks(readme: Path) -> list[str]:
    return re.findall(r"```hcl\n(.*?)```", readme.read_text(), re.S)


def check_call(alias: str, body: dict[str, object], readme_module: str) -> list[str]:
    """Problems of one module call in a README usage block. A README's call of its own
    module must be complete; a call of another module (a fragment showing how to wire
    this one's outputs into it) must only name variables that module has."""
    source = _unquote(str(body.get("source", "")))
    match = re.fullmatch(r"\.\./\.\./modules/([a-z0-9-]+)", source)
    if not match or not (MODULES / match.group(1)).is_dir():
        return [f"module {alias!r}: source {source!r} is not ../../modules/<a module>"]
    target = match.group(1)
    iface = interface(MODULES / target)
    given = {k for k in body if k not in META_ARGUMENTS}
    problems = [
        f"module {alias!r}: {unknown!r} is not a variable of modules/{target}"
        for unknown in sorted(given - iface.variables)
    ]
    if target == readme_module:
        problems += [
            f"module {alias!r}: required variable {missing!r} of modules/{target} is not given"
            for missing in sorted(iface.required - given)
        ]
    return problems


def _calls() -> list[tuple[str, str, dict[str, object], str]]:
    """(alias, module dir, call body, README's module) of every usage block's module call."""
    calls = []
    for readme in sorted(MODULES.glob("*/README.md")):
        for block in usage_blocks(readme):
            for call in hcl2.loads(block).get("module", []):
                for alias, body in call.items():
                    source = _unquote(str(body.get("source", "")))
                    calls.append((_unquote(alias), source.rsplit("/", 1)[-1], body, readme.parent.name))
    return calls


def test_every_module_readme_shows_a_call_of_its_module() -> None:
    shown = {owner for _, target, _, owner in _calls() if target == owner}
    assert shown == {p.parent.name for p in MODULES.glob("*/README.md")}


def test_every_usage_call_passes_known_and_required_variables() -> None:
    problems = [p for alias, _, body, owner in _calls() for p in check_call(alias, body, owner)]
    assert not problems, "\n".join(problems)


def test_every_referenced_output_exists() -> None:
    # the alias each README gives its own module
    own = {alias: target for alias, target, _, owner in _calls() if target == owner}
    problems, checked = [], 0
    for readme in sorted(MODULES.glob("*/README.md")):
        for block in usage_blocks(readme):
            for alias, output in REFERENCE.findall(block):
                if alias in own:
                    checked += 1
                    target = own[alias]
                    if output not in interface(MODULES / target).outputs:
                        problems.append(
                            f"{readme.relative_to(REPO_ROOT)}: module.{alias}.{output} is not an output"
                        )
    assert not problems, "\n".join(problems)
    assert checked >= 10, f"only {checked} references were checked: the pattern no longer matches the READMEs"


def test_the_check_finds_a_wrong_and_a_missing_variable() -> None:
    """The checker itself can fail: a misspelt variable and a missing required one."""
    body = hcl2.loads('module "x" {\n  source = "../../modules/secrets"\n  nmae = "shop-prod"\n}\n')[
        "module"
    ][0]['"x"']
    problems = check_call("x", body, "secrets")
    assert any("'nmae' is not a variable" in p for p in problems), problems
    assert any("required variable 'name'" in p for p in problems), problems
