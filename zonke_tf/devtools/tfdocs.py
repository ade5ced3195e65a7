"""Write the inputs and outputs tables of a Terraform module's README.

The tables go between ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->`` and are
made from ``variables.tf`` and ``outputs.tf`` (every ``*.tf`` file, in fact): python-hcl2
checks that each file parses, and types and defaults are shown as written. Usage::

    python -m zonke_tf.devtools.tfdocs            # rewrite every module and example README
    python -m zonke_tf.devtools.tfdocs --check    # exit 1 and name the stale READMEs
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


class DocsError(Exception):
    pass


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    description: str
    default: str | None  # the default's source text, None when required
    sensitive: bool

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Output:
    name: str
    description: str
    sensitive: bool


# --- a small scanner of HCL source text --------------------------------------------
# The tables show types and defaults as they are written, so they come from the source
# text (python-hcl2 and checkov's fork of it render them differently); python-hcl2 only
# checks that the file parses and which blocks it holds.

_OPEN, _CLOSE = "{([", "})]"


def _skip_string(text: str, i: int) -> int:
    """Index just past the string literal that starts at ``text[i] == '"'``."""
    i += 1
    depth = 0  # ${ ... } interpolations may hold strings of their own
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if ch == "}" and depth:
            depth -= 1
        elif ch == '"' and depth:
            i = _skip_string(text, i)
            continue
        elif ch == '"':
            return i + 1
        i += 1
    raise DocsError("unterminated string")


def _skip_heredoc(text: str, i: int) -> int:
    match = re.match(r"<<-?([A-Za-z_]+)[ \t]*\n", text[i:])
    if not match:
        return i + 2
    end = re.compile(rf"^[ \t]*{match.group(1)}[ \t]*$", re.MULTILINE)
    found = end.search(text, i + match.end())
    if not found:
        raise DocsError(f"unterminated heredoc {match.group(1)}")
    return found.end()


def _skip_comment(text: str, i: int) -> int:
    if text.startswith("/*", i):
        return text.index("*/", i) + 2
    newline = text.find("\n", i)
    return len(text) if newline < 0 else newline


def _scan_to(text: str, i: int, stop: str) -> int:
    """Index of the first ``stop`` character at nesting depth 0 from ``i`` (or len(text))."""
    depth = 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            i = _skip_string(text, i)
            continue
        if text.startswith("<<", i) and re.match(r"<<-?[A-Za-z_]", text[i:]):
            i = _skip_heredoc(text, i)
            continue
        if ch == "#" or text.startswith("//", i) or text.startswith("/*", i):
            i = _skip_comment(text, i)
            continue
        if depth == 0 and ch in stop:
            return i
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        i += 1
    return i


def _blocks(text: str, kind: str) -> dict[str, str]:
    """Body text of each top-level ``kind "name" { ... }`` block, by name."""
    out = {}
    for match in re.finditer(rf'^{kind}\s+"([^"]+)"\s*\{{', text, re.MULTILINE):
        body_start = match.end()
        body_end = _scan_to(text, body_start, "}")
        out[match.group(1)] = text[body_start:body_end]
    return out


def _attributes(body: str) -> dict[str, str]:
    """Source text of each attribute directly in a block body (nested blocks are skipped)."""
    out: dict[str, str] = {}
    i = 0
    while i < len(body):
        match = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*(=|\{)").match(body, i)
        if not match:
            newline = _scan_to(body, i, "\n")
            i = newline + 1
            continue
        if match.group(2) == "{":  # a nested block: skip it
            i = _scan_to(body, match.end(), "}") + 1
            continue
        end = _scan_to(body, match.end(), "\n")
        out[match.group(1)] = body[match.end() : end].strip()
        i = end + 1
    return out


def _string_value(expr: str) -> str:
    """The value of an HCL string literal or heredoc (other expressions as written)."""
    expr = expr.strip()
    if expr.startswith("<<"):
        lines = expr.split("\n")[1:-1]
        return " ".join(line.strip() for line in lines)
    if len(expr) >= 2 and expr[0] == expr[-1] == '"':
        body = expr[1:-1]
        return re.sub(r"\\(.)", lambda m: {"n": " ", "t": " "}.get(m.group(1), m.group(1)), body)
    return expr


def _one_line(expr: str) -> str:
    """An expression on one line: lines joined, with commas between object attributes."""
    lines = [re.sub(r"\s+=\s+", " = ", line.split(" #", 1)[0].strip()) for line in expr.strip().splitlines()]
    lines = [line for line in lines if line and not line.startswith(("#", "//"))]
    out = ""
    for line in lines:
        if out:
            opened, closes = out[-1] in _OPEN, line[0] in _CLOSE
            if not opened and not closes and out[-1] != ",":
                out += ", "
            elif opened != closes:
                out += " "
        out += line
    return out


def _parse(module_dir: Path) -> tuple[list[Variable], list[Output]]:
    import hcl2

    variables: list[Variable] = []
    outputs: list[Output] = []
    for tf in sorted(module_dir.glob("*.tf")):
        text = tf.read_text()
        try:
            hcl2.loads(text)
        except Exception as exc:  # python-hcl2 raises several lark error types
            raise DocsError(f"{tf}: cannot parse: {exc}") from exc
        for name, body in _blocks(text, "variable").items():
            attrs = _attributes(body)
            variables.append(
                Variable(
                    name=name,
                    type=_one_line(attrs.get("type", "any")),
                    description=_string_value(attrs.get("description", '""')),
                    default=_one_line(attrs["default"]) if "default" in attrs else None,
                    sensitive=attrs.get("sensitive") == "true",
                )
            )
        for name, body in _blocks(text, "output").items():
            attrs = _attributes(body)
            outputs.append(
                Output(
                    name=name,
                    description=_string_value(attrs.get("description", '""')),
                    sensitive=attrs.get("sensitive") == "true",
                )
            )
    variables.sort(key=lambda v: (not v.required, v.name))
    outputs.sort(key=lambda o: o.name)
    return variables, outputs


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def render(module_dir: Path) -> str:
    """The Markdown that belongs between the markers of ``module_dir``'s README."""
    variables, outputs = _parse(module_dir)
    lines = ["## Inputs", ""]
    if variables:
        lines += ["| Name | Description | Type | Default | Required |", "|---|---|---|---|:---:|"]
        for v in variables:
            default = "n/a" if v.default is None else f"`{_cell(v.default)}`"
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
    # Tier modules and the internal building blocks (modules/_internal/<block>); modules/_shared
    # holds the shared inputs and is not a module (no versions.tf).
    modules = repo / "modules"
    roots = sorted(
        p.parent for p in [*modules.glob("*/versions.tf"), *modules.glob("_internal/*/versions.tf")]
    )
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
