"""Plan tests of modules/codepipeline: collectstatic in the build gets the plain variables
(as a Docker env file the buildspec writes, run here in bash) and can skip the ENTRYPOINT
(a multi-line value is refused: cases.yaml)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.modules.codepipeline.common import base_vars
from tests.support import PlanResult, TerraformRoot

ENV = {"DJANGO_SETTINGS_MODULE": "config.settings.production", "ODD": "a: b # 'c' \"d\" $HOME `x`"}


@pytest.fixture(scope="module")
def pipeline(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/codepipeline").init()


def build_spec(plan: PlanResult) -> dict[str, Any]:
    spec = yaml.safe_load(plan.outputs["buildspecs"]["build"])
    assert isinstance(spec, dict)
    return spec


def test_env_file_holds_exactly_the_plain_variables(pipeline: TerraformRoot, tmp_path: Path) -> None:
    plan = pipeline.plan(base_vars(collectstatic_environment=ENV, collectstatic_run_entrypoint=False))
    spec = build_spec(plan)
    build = [str(c) for c in spec["phases"]["build"]["commands"]]
    write = next(c for c in build if "collectstatic.env" in c and c.startswith("printf"))
    env = {"PATH": os.environ["PATH"], **{k: str(v) for k, v in spec["env"]["variables"].items()}}
    subprocess.run(["bash", "-c", write], cwd=tmp_path, env=env, check=True, timeout=30)
    assert (tmp_path / "collectstatic.env").read_text().splitlines() == [
        f"{k}={v}" for k, v in sorted(ENV.items())
    ]
    create = next(c for c in build if c.startswith("docker create"))
    assert create.startswith(
        "docker create --name collectstatic --env-file collectstatic.env --entrypoint ''"
    )


def test_defaults_write_an_empty_env_file_and_keep_the_entrypoint(
    pipeline: TerraformRoot, tmp_path: Path
) -> None:
    spec = build_spec(pipeline.plan(base_vars()))
    build = [str(c) for c in spec["phases"]["build"]["commands"]]
    write = next(c for c in build if "collectstatic.env" in c and c.startswith("printf"))
    env = {"PATH": os.environ["PATH"], **{k: str(v) for k, v in spec["env"]["variables"].items()}}
    subprocess.run(["bash", "-c", write], cwd=tmp_path, env=env, check=True, timeout=30)
    assert (tmp_path / "collectstatic.env").read_text() == ""
    create = next(c for c in build if c.startswith("docker create"))
    assert "--entrypoint" not in create
