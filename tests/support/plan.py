"""Init and plan a copied root with tftest; flatten what Terraform plans."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tftest

from .roots import copy_root
from .terraform import TerraformEnv

VARS_FILE = "zz_test.auto.tfvars.json"


def one_line(text: str) -> str:
    """Terraform's diagnostics on one line: the box drawing gone and every run of white space
    one blank, so a message Terraform wrapped over lines is found as written."""
    return " ".join(re.sub(r"[│╷╵]", " ", text).split())


@dataclass
class PlanResult:
    """What a plan would create, in shapes that are easy to assert on.

    - ``values``: planned attribute values by full resource address, through child
      modules (``module.net.aws_subnet.public["a"]``);
    - ``counts``: number of planned resources (managed only) by type;
    - ``outputs``: planned output values (``None`` where unknown until apply);
    - ``actions``: planned actions by address (``["create"]``, ``["no-op"]``...);
    - ``raw``: the ``terraform show -json`` document.
    """

    values: dict[str, dict[str, Any]]
    counts: dict[str, int]
    outputs: dict[str, Any]
    actions: dict[str, list[str]]
    raw: dict[str, Any] = field(repr=False)

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """Planned values of every managed resource of one type, by address."""
        return {addr: vals for addr, vals in self.values.items() if _type_of(addr) == resource_type}

    def one(self, resource_type: str) -> dict[str, Any]:
        found = self.of_type(resource_type)
        if len(found) != 1:
            raise AssertionError(
                f"expected exactly one {resource_type}, the plan has {len(found)}: {sorted(found)}"
            )
        return next(iter(found.values()))


def _type_of(address: str) -> str:
    last = address.split(".")
    # strip module prefixes: module.a.module.b.aws_x.name[key]
    while last and last[0] == "module":
        last = last[2:]
    if last and last[0] == "data":
        return "data." + last[1]
    return last[0] if last else ""


def _walk(module: Mapping[str, Any], into: dict[str, dict[str, Any]], modes: dict[str, str]) -> None:
    for res in module.get("resources", []):
        into[res["address"]] = res.get("values", {})
        modes[res["address"]] = res.get("mode", "managed")
    for child in module.get("child_modules", []):
        _walk(child, into, modes)


def flatten_plan(raw: dict[str, Any]) -> PlanResult:
    values: dict[str, dict[str, Any]] = {}
    modes: dict[str, str] = {}
    _walk(raw.get("planned_values", {}).get("root_module", {}), values, modes)
    counts = Counter(_type_of(a) for a, m in modes.items() if m == "managed")
    outputs = {
        name: out.get("value") for name, out in raw.get("planned_values", {}).get("outputs", {}).items()
    }
    actions = {rc["address"]: rc["change"]["actions"] for rc in raw.get("resource_changes", [])}
    return PlanResult(values=values, counts=dict(counts), outputs=outputs, actions=actions, raw=raw)


class TerraformRoot:
    """A temporary copy of a root (module or fixture) that tftest drives.

    ``init()`` runs once; ``plan(vars)`` may run many times with different variables.
    """

    def __init__(
        self,
        source: Path,
        workdir: Path,
        tf_env: TerraformEnv,
        provider_hcl: str | None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.source = source
        self.tf_env = tf_env
        self.dir = copy_root(source, workdir, provider_hcl)
        self.env = tf_env.environ(extra_env)
        self.tf = tftest.TerraformTest(str(self.dir), binary=tf_env.binary, env=self.env)
        self._initialised = False

    def init(self) -> TerraformRoot:
        if not self._initialised:
            self.tf.setup(upgrade=False, color=False)
            self._initialised = True
        return self

    def write_vars(self, variables: Mapping[str, Any] | None) -> None:
        path = self.dir / VARS_FILE
        if variables:
            path.write_text(json.dumps(variables, indent=2, sort_keys=True))
        elif path.exists():
            path.unlink()

    def plan(self, variables: Mapping[str, Any] | None = None, refresh: bool = True) -> PlanResult:
        """Plan with ``variables`` (written to an auto tfvars file) and flatten the result;
        ``refresh=False`` plans against the state as it is, without reading AWS."""
        self.init()
        self.write_vars(variables)
        out = self.tf.plan(output=True, color=False, refresh=refresh)
        return flatten_plan(out._raw)

    def plan_error(self, variables: Mapping[str, Any] | None = None) -> str:
        """Plan expecting failure; return Terraform's diagnostics (raises if the plan passes).

        A long message is wrapped over several lines: compare with :func:`one_line` of it."""
        self.init()
        self.write_vars(variables)
        try:
            self.tf.plan(output=False, color=False)
        except tftest.TerraformTestError as exc:
            # tftest raises with (message, stderr): the text itself, not the tuple's repr,
            # whose escaped line breaks would glue a wrapped message's words together.
            return "\n".join(str(arg) for arg in exc.args)
        raise AssertionError(f"the plan of {self.source} with {variables} was expected to fail")
