"""A small Amazon States Language (JSONPath) interpreter for testing state machine definitions.

It walks a definition the way Step Functions does for the subset the runner uses (Pass,
Task, Choice, Map, Succeed and Fail states; Parameters, ResultSelector, ResultPath,
Catch; the intrinsic functions States.Format, States.Array, States.JsonMerge and
States.ArrayLength) and calls a Python function wherever a Task would call AWS. So a test
can feed in what ECS answers (an exit code, a RunTask failure, a timeout) and check where
the execution ends and with which error and cause.

It is deliberately strict: a path that does not exist raises :class:`RuntimeFailure`,
as ``States.Runtime`` would fail a real execution.

A state may opt into JSONata (``"QueryLanguage": "JSONata"``, allowed per state in a
JSONPath state machine): only Pass states with ``Output``, whose ``{% ... %}`` expressions are
evaluated by the jsonata-python package with ``$states.input`` and ``$states.context`` bound,
as Step Functions binds them (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
The context object has ``Execution.Name``, ``Execution.Id``, ``Execution.Input`` and
``State.EnteredTime``.
"""

from __future__ import annotations

import copy
import datetime
import fnmatch
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class RuntimeFailure(Exception):
    """What Step Functions reports as States.Runtime: a bad path, a bad intrinsic call."""


class TaskError(Exception):
    """Raised by a task handler to make the Task state fail with ``error`` and ``cause``."""

    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


Handler = Callable[[str, dict[str, Any]], Any]


@dataclass
class Call:
    state: str
    resource: str
    parameters: dict[str, Any]


@dataclass
class Outcome:
    status: str  # SUCCEEDED or FAILED
    error: str | None = None
    cause: str | None = None
    output: Any = None
    path: list[str] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def calls_to(self, suffix: str) -> list[Call]:
        return [c for c in self.calls if c.resource.endswith(suffix)]


_SEGMENT = re.compile(r"\.([A-Za-z0-9_\-]+)|\[(\d+)\]")


def get_path(data: Any, path: str, context: dict[str, Any]) -> Any:
    """Resolve a JSONPath of the forms ``$``, ``$.a.b[0].c`` and ``$$.Execution.Name``."""
    node: Any
    if path.startswith("$$"):
        node, rest = context, path[2:]
    elif path.startswith("$"):
        node, rest = data, path[1:]
    else:
        raise RuntimeFailure(f"not a path: {path!r}")
    pos = 0
    while pos < len(rest):
        m = _SEGMENT.match(rest, pos)
        if m is None:
            raise RuntimeFailure(f"unsupported path syntax: {path!r}")
        key, index = m.group(1), m.group(2)
        if key is not None:
            if not isinstance(node, dict) or key not in node:
                raise RuntimeFailure(f"path {path!r} does not exist in the input")
            node = node[key]
        else:
            i = int(index)
            if not isinstance(node, list) or i >= len(node):
                raise RuntimeFailure(f"path {path!r} does not exist in the input")
            node = node[i]
        pos = m.end()
    return node


def is_present(data: Any, path: str, context: dict[str, Any]) -> bool:
    try:
        get_path(data, path, context)
    except RuntimeFailure:
        return False
    return True


def set_path(data: Any, path: str | None, value: Any) -> Any:
    """Apply ResultPath: ``None`` discards the result, ``$`` replaces the input."""
    if path is None:
        return data
    if path == "$":
        return value
    if not isinstance(data, dict):
        raise RuntimeFailure(f"cannot set {path!r} on a non-object input")
    out = copy.deepcopy(data)
    keys = [m.group(1) for m in _SEGMENT.finditer(path[1:])]
    node = out
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value
    return out


# --- intrinsic functions ---


def _split_args(text: str) -> list[str]:
    args, depth, quoted, start, i = [], 0, False, 0, 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == "'":
                quoted = False
        elif ch == "'":
            quoted = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(text[start:i].strip())
            start = i + 1
        i += 1
    tail = text[start:].strip()
    if tail:
        args.append(tail)
    return args


def _unescape(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal)


def _to_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def evaluate(expr: str, data: Any, context: dict[str, Any]) -> Any:
    """Evaluate a ``.$`` value: a path or an intrinsic function call (possibly nested)."""
    expr = expr.strip()
    if expr.startswith("$"):
        return get_path(data, expr, context)
    if expr.startswith("'") and expr.endswith("'"):
        return _unescape(expr[1:-1])
    if re.fullmatch(r"-?\d+(\.\d+)?|true|false|null", expr):
        return json.loads(expr)
    m = re.fullmatch(r"(States\.[A-Za-z]+)\((.*)\)", expr, re.S)
    if m is None:
        raise RuntimeFailure(f"cannot evaluate {expr!r}")
    name, args = m.group(1), [evaluate(a, data, context) for a in _split_args(m.group(2))]
    if name == "States.Format":
        template, values = args[0], args[1:]
        pieces = re.split(r"(?<!\\)\{\}", template)
        if len(pieces) - 1 != len(values):
            raise RuntimeFailure(f"States.Format: {len(pieces) - 1} placeholders, {len(values)} values")
        out = pieces[0]
        for value, piece in zip(values, pieces[1:], strict=True):
            out += _to_text(value) + piece
        return out
    if name == "States.Array":
        return list(args)
    if name == "States.ArrayLength":
        if not isinstance(args[0], list):
            raise RuntimeFailure("States.ArrayLength takes an array")
        return len(args[0])
    if name == "States.JsonMerge":
        left, right, deep = args
        if not isinstance(left, dict) or not isinstance(right, dict) or deep is not False:
            raise RuntimeFailure("States.JsonMerge takes two objects and false (shallow merge)")
        return {**left, **right}
    raise RuntimeFailure(f"intrinsic {name} is not supported by this interpreter")


def apply_template(template: Any, data: Any, context: dict[str, Any]) -> Any:
    """Process a Parameters / ResultSelector / ItemSelector template."""
    if isinstance(template, dict):
        out: dict[str, Any] = {}
        for key, value in template.items():
            if key.endswith(".$"):
                out[key[:-2]] = evaluate(value, data, context)
            else:
                out[key] = apply_template(value, data, context)
        return out
    if isinstance(template, list):
        return [apply_template(v, data, context) for v in template]
    return copy.deepcopy(template)


# --- JSONata states ---

_JSONATA = re.compile(r"^\{%(.*)%\}$", re.S)


def apply_jsonata(template: Any, data: Any, context: dict[str, Any]) -> Any:
    """Evaluate the ``{% ... %}`` strings of a JSONata state's field, recursively."""
    if isinstance(template, dict):
        return {k: apply_jsonata(v, data, context) for k, v in template.items()}
    if isinstance(template, list):
        return [apply_jsonata(v, data, context) for v in template]
    if isinstance(template, str) and (m := _JSONATA.match(template.strip())):
        try:
            import jsonata  # jsonata-python, in the emulator extra
        except ImportError:
            raise RuntimeFailure(
                "JSONata states need jsonata-python: pip install 'zonke-tf[emulator]'"
            ) from None
        expr = jsonata.Jsonata(m.group(1).strip())
        frame = expr.create_frame()
        frame.bind("states", {"input": copy.deepcopy(data), "context": copy.deepcopy(context)})
        try:
            return expr.evaluate(None, frame)
        except Exception as exc:
            raise RuntimeFailure(f"JSONata {m.group(1).strip()!r}: {exc}") from exc
    return copy.deepcopy(template)


# --- Choice rules ---

_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "NumericEquals": lambda a, b: a == b,
    "NumericGreaterThan": lambda a, b: a > b,
    "NumericLessThan": lambda a, b: a < b,
    "StringEquals": lambda a, b: a == b,
    "StringMatches": lambda a, b: fnmatch.fnmatchcase(a, b),
    "BooleanEquals": lambda a, b: a is b,
}


def rule_matches(rule: dict[str, Any], data: Any, context: dict[str, Any]) -> bool:
    if "And" in rule:
        return all(rule_matches(r, data, context) for r in rule["And"])
    if "Or" in rule:
        return any(rule_matches(r, data, context) for r in rule["Or"])
    if "Not" in rule:
        return not rule_matches(rule["Not"], data, context)
    variable = rule["Variable"]
    if "IsPresent" in rule:
        return is_present(data, variable, context) is rule["IsPresent"]
    value = get_path(data, variable, context)  # raises when missing, as AWS does
    if "IsString" in rule:
        return isinstance(value, str) is rule["IsString"]
    if "IsNumeric" in rule:
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        return numeric is rule["IsNumeric"]
    for name, compare in _COMPARATORS.items():
        if name in rule:
            expected = rule[name]
            if name.startswith("Numeric") and not isinstance(value, (int, float)):
                raise RuntimeFailure(f"{variable} is not numeric")
            if name.startswith("String") and not isinstance(value, str):
                raise RuntimeFailure(f"{variable} is not a string")
            return bool(compare(value, expected))
    raise RuntimeFailure(f"unsupported choice rule {rule}")


def _catch_matches(error_equals: list[str], error: str) -> bool:
    if error in error_equals or "States.ALL" in error_equals:
        return True
    return "States.TaskFailed" in error_equals and error != "States.Timeout"


MAX_STEPS = 500


def run(
    definition: dict[str, Any],
    state_input: Any,
    handler: Handler,
    execution_name: str = "exec-1",
    _outcome: Outcome | None = None,
) -> Outcome:
    """Run ``definition`` on ``state_input``; ``handler(resource, parameters)`` answers each Task."""
    outcome = _outcome or Outcome(status="RUNNING")
    context: dict[str, Any] = {
        "Execution": {
            "Name": execution_name,
            "Id": f"arn:aws:states:us-east-1:123456789012:execution:runner:{execution_name}",
            "Input": state_input,
        },
        "State": {},
    }
    states: dict[str, Any] = definition["States"]
    name: str = definition["StartAt"]
    data = copy.deepcopy(state_input)
    for _ in range(MAX_STEPS):
        state = states[name]
        outcome.path.append(name)
        kind = state["Type"]
        entered = datetime.datetime.now(datetime.UTC)
        context["State"] = {
            "Name": name,
            "EnteredTime": entered.strftime("%Y-%m-%dT%H:%M:%S.") + f"{entered.microsecond // 1000:03d}Z",
        }
        try:
            if state.get("QueryLanguage", "JSONPath") == "JSONata":
                if kind != "Pass" or not set(state) <= {"Type", "QueryLanguage", "Comment", "Output", "Next"}:
                    raise RuntimeFailure(f"{name}: only JSONata Pass states with Output are supported")
                data = apply_jsonata(state["Output"], data, context) if "Output" in state else data
                name = state["Next"]
                continue
            if kind == "Succeed":
                outcome.status, outcome.output = "SUCCEEDED", data
                return outcome
            if kind == "Fail":
                outcome.status = "FAILED"
                outcome.error = (
                    evaluate(state["ErrorPath"], data, context)
                    if "ErrorPath" in state
                    else state.get("Error")
                )
                outcome.cause = (
                    evaluate(state["CausePath"], data, context)
                    if "CausePath" in state
                    else state.get("Cause")
                )
                return outcome
            if kind == "Pass":
                if "Parameters" in state:
                    result = apply_template(state["Parameters"], data, context)
                else:
                    result = copy.deepcopy(state.get("Result", data))
                data = set_path(data, state.get("ResultPath", "$"), result)
            elif kind == "Choice":
                nxt = next(
                    (r["Next"] for r in state["Choices"] if rule_matches(r, data, context)),
                    state.get("Default"),
                )
                if nxt is None:
                    raise RuntimeFailure(f"no choice matched in {name} and it has no Default")
                name = nxt
                continue
            elif kind in ("Task", "Map"):
                try:
                    if kind == "Task":
                        params = apply_template(state.get("Parameters", {}), data, context)
                        outcome.calls.append(Call(name, state["Resource"], params))
                        result = handler(state["Resource"], params)
                    else:
                        items = get_path(data, state["ItemsPath"], context)
                        result = []
                        for item in items:
                            sub = run(state["ItemProcessor"], item, handler, execution_name, outcome)
                            if sub.status != "SUCCEEDED":
                                raise TaskError(sub.error or "States.TaskFailed", sub.cause or "")
                            outcome.status = "RUNNING"
                            result.append(sub.output)
                    if "ResultSelector" in state:
                        result = apply_template(state["ResultSelector"], result, context)
                    data = set_path(data, state.get("ResultPath", "$"), result)
                except TaskError as exc:
                    catcher = next(
                        (c for c in state.get("Catch", []) if _catch_matches(c["ErrorEquals"], exc.error)),
                        None,
                    )
                    if catcher is None:
                        outcome.status, outcome.error, outcome.cause = "FAILED", exc.error, exc.cause
                        return outcome
                    data = set_path(
                        data, catcher.get("ResultPath", "$"), {"Error": exc.error, "Cause": exc.cause}
                    )
                    name = catcher["Next"]
                    continue
            else:
                raise RuntimeFailure(f"state type {kind} is not supported by this interpreter")
        except RuntimeFailure as exc:
            outcome.status, outcome.error, outcome.cause = "FAILED", "States.Runtime", str(exc)
            return outcome
        if state.get("End"):
            outcome.status, outcome.output = "SUCCEEDED", data
            return outcome
        name = state["Next"]
    raise AssertionError(f"the execution did not end within {MAX_STEPS} states: {outcome.path[-10:]}")
