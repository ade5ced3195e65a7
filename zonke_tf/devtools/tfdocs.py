"""Write the inputs and outputs tables of a Terraform module's README.

The tables go between ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->`` and are
made from ``variables.tf`` and ``outputs.tf`` (every ``*.tf`` file, in fact), parsed with
python-hcl2. Usage::

    python -m zonke_tf.devtools.tfdocs            # rewrite every module and example README
    python -m zonke_tf.devtools.tfdocs --check    # exit 1 and name the stale READMEs
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


_WRAPS = False


class DocsError(Exception):
    pass


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    description: str
    default: Any
    required: bool
    sensitive: bool


@dataclass(frozen=True)
class Output:
    name: str
    description: str
    sensitive: bool


def _unquote(value: Any) -> Any:
    """python-hcl2 8 keeps HCL string quotes ("\"x\""); checkov's fork does not. Normalise."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value[1:-1]
    if isinstance(value, list):
        return [_unquote(v) for v in value]
    if isinstance(value, dict):
        return {_unquote(k): _unquote(v) for k, v in value.items() if not str(k).startswith("__")}
    return value


def _wraps_attributes() -> bool:
    """Checkov's fork of python-hcl2 (also imported as ``hcl2``) wraps every attribute in a list."""
    import hcl2

    return isinstance(hcl2.loads('a = "x"\n')["a"], list)


def _attr(block: dict[str, Any], key: str, default: Any = None) -> Any:
    """An attribute's value, the same whichever python-hcl2 flavour is installed."""
    if key not in block:
        return default
    value = block[key]
    if _WRAPS and isinstance(value, list) and len(value) == 1:
        value = value[0]
    return _unquote(value)


def _expr(text: Any) -> str:
    text = str(text)
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    return text


def _parse(module_dir: Path) -> tuple[list[Variable], list[Output]]:
    import hcl2

    global _WRAPS
    _WRAPS = _wraps_attributes()
    variables: list[Variable] = []
    outputs: list[Output] = []
    for tf in sorted(module_dir.glob("*.tf")):
        with open(tf) as fh:
            try:
                doc = hcl2.load(fh)
            except Exception as exc:  # python-hcl2 raises several lark error types
                raise DocsError(f"{tf}: cannot parse: {exc}") from exc
        for entry in doc.get("variable", []):
            for name, block in entry.items():
                variables.append(
                    Variable(
                        name=_unquote(name),
                        type=_expr(_attr(block, "type", "any")),
                        description=str(_attr(block, "description", "")),
                        default=_attr(block, "default"),
                        required="default" not in block,
                        sensitive=_attr(block, "sensitive", False) in (True, "true"),
                    )
                )
        for entry in doc.get("output", []):
            for name, block in entry.items():
                outputs.append(
                    Output(
                        name=_unquote(name),
                        description=str(_attr(block, "description", "")),
                        sensitive=_attr(block, "sensitive", False) in (True, "true"),
                    )
                )
    variables.sort(key=lambda v: (not v.required, v.name))
    outputs.sort(key=lambda o: o.name)
    return variables, outputs


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _default(value: Any) -> str:
    if value is None:
        return "`null`"
    if isinstance(value, str):
        value = _expr(value)
    rendered = json.dumps(value, sort_keys=True) if not isinstance(value, str) else f'"{value}"'
    return f"`{_cell(rendered)}`"


def render(module_dir: Path) -> str:
    """The Markdown that belongs between the markers of ``module_dir``'s README."""
    variables, outputs = _parse(module_dir)
    lines = ["## Inputs", ""]
    if variables:
        lines += ["| Name | Description | Type | Default | Required |", "|---|---|---|---|:---:|"]
        for v in variables:
            default = "n/a" if v.required else _default(v.default)
            lines.append(
                f"| `{v.name}` | {_cell(v.description)} | `{_cell(v.type)}` | {default} | "
                f"{'yes' if v.required else 'no'} |"
            )
    else:
        lines.append("No inputs.")
    lines += ["", "## Outputs", ""]
    if outputs:
        lines += ["| Name | Description | Sensitive |", "|---|---|:---:|"]
        for o in outputs:
            lines.append(f"| `{o.name}` | {_cell(o.description)} | {'yes' if o.sensitive else 'no'} |")
    else:
        lines.append("No outputs.")
    return "\n".join(lines)


def updated_readme(module_dir: Path) -> tuple[str, str]:
    """(current text, text with fresh tables) of the module's README."""
    readme = module_dir / "README.md"
    if not readme.is_file():
        raise DocsError(f"{readme} is missing: every module needs a README.md")
    text = readme.read_text()
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise DocsError(f"{readme} must contain {BEGIN} and then {END}, once each")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return text, f"{head}{BEGIN}\n{render(module_dir)}\n{END}{tail}"


def documented_roots(repo: Path) -> list[Path]:
    """Every module, and every example whose README carries the markers."""
    roots = sorted(p for p in (repo / "modules").iterdir() if p.is_dir())
    for ex in sorted((repo / "examples").glob("*")):
        readme = ex / "README.md"
        if ex.is_dir() and readme.is_file() and BEGIN in readme.read_text():
            roots.append(ex)
    return roots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the inputs/outputs tables of module READMEs.")
    parser.add_argument("--check", action="store_true", help="only report stale READMEs (exit 1)")
    parser.add_argument("roots", nargs="*", type=Path, help="module folders (default: all)")
    args = parser.parse_args(argv)
    repo = Path.cwd()
    roots = args.roots or documented_roots(repo)
    stale = []
    try:
        for root in roots:
            old, new = updated_readme(root)
            if old != new:
                stale.append(root)
                if not args.check:
                    (root / "README.md").write_text(new)
    except DocsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check and stale:
        print(
            "stale README tables: "
            + ", ".join(str(s) for s in stale)
            + "\nrun: python -m zonke_tf.devtools.tfdocs",
            file=sys.stderr,
        )
        return 1
    for root in stale:
        print(f"updated {root / 'README.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
