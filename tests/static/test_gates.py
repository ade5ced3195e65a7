"""Static gates: terraform fmt and validate, checkov, ruff, and the README tables."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support import REPO_ROOT, TerraformEnv, copy_root
from zonke_tf.devtools import generate, tfdocs

# Tier modules (modules/<tier>) and the internal building blocks they share (modules/_internal/<block>).
MODULES = sorted(
    p.parent.relative_to(REPO_ROOT / "modules").as_posix()
    for p in [
        *(REPO_ROOT / "modules").glob("*/versions.tf"),
        *(REPO_ROOT / "modules").glob("_internal/*/versions.tf"),
    ]
)
TIERS = [m for m in MODULES if not m.startswith("_internal/")]
EXAMPLES = sorted(p.name for p in (REPO_ROOT / "examples").glob("*") if p.is_dir() and list(p.glob("*.tf")))
ROOTS = [f"modules/{m}" for m in MODULES] + [f"examples/{e}" for e in EXAMPLES]
MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")


def test_every_tier_is_a_module_with_the_house_files() -> None:
    assert MODULES, "no modules found"
    for module in MODULES:
        missing = [f for f in MODULE_FILES if not (REPO_ROOT / "modules" / module / f).is_file()]
        assert not missing, f"modules/{module} lacks {missing}"


@pytest.mark.parametrize("root", [f"modules/{m}" for m in MODULES])
def test_module_versions_and_no_provider_block(root: str) -> None:
    text = "".join(p.read_text() for p in (REPO_ROOT / root).glob("*.tf"))
    assert 'provider "aws"' not in text, f"{root} must not configure a provider"
    # Tier modules never call each other: a module block may source an internal block only.
    sources = re.findall(r'^\s*source\s*=\s*"(\.[^"]*)"', text, re.MULTILINE)
    assert all(re.fullmatch(r"\.\./_internal/[a-z0-9-]+", s) for s in sources), (
        f"{root} calls {sources}: a module may call only modules/_internal/<block>"
    )
    if root.startswith("modules/_internal/"):
        assert sources == [], f"{root} is a building block: it calls nothing"
    versions = (REPO_ROOT / root / "versions.tf").read_text()
    assert 'required_version = ">= 1.11"' in versions
    assert 'version = ">= 5.100"' in versions


def test_terraform_fmt(tf_env: TerraformEnv) -> None:
    proc = subprocess.run(
        [tf_env.binary, "fmt", "-check", "-recursive", "-diff", "-no-color"],
        cwd=REPO_ROOT,
        env=tf_env.environ(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, f"terraform fmt -recursive would change:\n{proc.stdout}{proc.stderr}"


@pytest.mark.parametrize("root", ROOTS)
def test_terraform_validate(root: str, tf_env: TerraformEnv, tmp_path: Path) -> None:
    copy = copy_root(REPO_ROOT / root, tmp_path)
    env = tf_env.environ()
    for args in (["init", "-backend=false", "-input=false", "-no-color"], ["validate", "-no-color"]):
        proc = subprocess.run(
            [tf_env.binary, *args], cwd=copy, env=env, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, f"terraform {args[0]} of {root} failed:\n{proc.stdout}{proc.stderr}"


def find_checkov() -> str:
    explicit = os.environ.get("ZONKE_CHECKOV")
    candidates = [explicit] if explicit else []
    candidates += [str(REPO_ROOT / ".venv-checkov" / "bin" / "checkov"), shutil.which("checkov") or ""]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    pytest.fail(
        "checkov is not installed: run scripts/setup (it installs checkov into .venv-checkov), "
        "or `python3 -m venv .venv-checkov && .venv-checkov/bin/pip install 'checkov>=3.2'`, "
        "or set ZONKE_CHECKOV=/path/to/checkov",
        pytrace=False,
    )


def run_checkov(target: Path, config: Path | None = None) -> list[dict[str, Any]]:
    checkov = find_checkov()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BC_")}
    env.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"})
    args = [checkov, "-d", str(target), "-o", "json"]
    if config is not None:
        args += ["--config-file", str(config)]
    else:
        args += ["--framework", "terraform", "--quiet", "--compact", "--skip-download"]
    proc = subprocess.run(args, env=env, capture_output=True, text=True, check=False, cwd=target)
    assert proc.stdout.strip(), f"checkov printed nothing for {target}:\n{proc.stderr[-3000:]}"
    reports = json.loads(proc.stdout)
    return reports if isinstance(reports, list) else [reports]


def checkov_failures(reports: list[dict[str, Any]]) -> list[str]:
    failed = []
    for report in reports:
        if "results" not in report:  # an empty report: nothing of that kind to scan
            continue
        assert report["summary"]["parsing_errors"] == 0, (
            f"checkov could not parse some {report['check_type']}"
        )
        failed += [
            f"{c['check_id']} {c['resource']} ({c['file_path']}:{c['file_line_range'][0]}): {c['check_name']}"
            for c in report["results"]["failed_checks"]
        ]
        for skipped in report["results"].get("skipped_checks", []):
            reason = (skipped.get("check_result") or {}).get("suppress_comment", "")
            assert len(reason.strip()) >= 20, (
                f"{skipped['check_id']} on {skipped['resource']} is skipped without a real reason"
            )
    return failed


def test_checkov_over_the_whole_repository_has_no_failed_checks() -> None:
    """Every framework checkov knows (Terraform, Dockerfile...), over the repository; only the
    throwaway fixture roots under tests/ are left out (.checkov.yaml says why)."""
    reports = run_checkov(REPO_ROOT, REPO_ROOT / ".checkov.yaml")
    kinds = {r.get("check_type") for r in reports if "results" in r}
    assert {"terraform", "dockerfile"} <= kinds, f"checkov scanned only {kinds}"
    failed = checkov_failures(reports)
    assert not failed, "checkov failed checks:\n  " + "\n  ".join(failed)


def test_ruff() -> None:
    beside = Path(sys.executable).parent / "ruff"
    ruff = str(beside) if beside.exists() else shutil.which("ruff")
    if not ruff:
        pytest.fail("ruff is not installed: pip install -e '.[dev]'", pytrace=False)
    linted = ("zonke_tf", "zonke_emulator", "tests", "benchmarks", "examples", "packages")
    paths = [p for p in linted if (REPO_ROOT / p).is_dir()]
    proc = subprocess.run(
        [ruff, "check", *paths],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, f"ruff reports:\n{proc.stdout}{proc.stderr}"


@pytest.mark.parametrize("root", [r for r in ROOTS if (REPO_ROOT / r / "README.md").is_file()])
def test_readme_tables_are_fresh(root: str) -> None:
    old, new = tfdocs.updated_readme(REPO_ROOT / root)
    assert old == new, (
        f"{root}/README.md inputs/outputs tables are stale: run `python -m zonke_tf.devtools.tfdocs`"
    )


def test_generated_terraform_files_are_fresh() -> None:
    stale = [str(p.relative_to(REPO_ROOT)) for p in generate.stale()]
    assert stale == [], f"stale: {stale}; run `python -m zonke_tf.devtools.generate`"


def _copy_generated(tmp_path: Path) -> None:
    for path in [*generate.files(REPO_ROOT), REPO_ROOT / generate.SHARED_SOURCE]:
        copy = tmp_path / path.relative_to(REPO_ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(path.read_text())


def test_generate_check_detects_a_stale_file(tmp_path: Path) -> None:
    _copy_generated(tmp_path)
    assert generate.stale(tmp_path) == []
    sizes = tmp_path / "modules" / "migration-task" / "fargate_sizes.tf"
    sizes.write_text(sizes.read_text().replace("[512, 1024, 2048]", "[512, 1024]"))
    assert generate.stale(tmp_path) == [sizes]


def test_an_edit_of_a_shared_input_makes_every_copy_stale(tmp_path: Path) -> None:
    _copy_generated(tmp_path)
    source = tmp_path / generate.SHARED_SOURCE
    source.write_text(source.read_text().replace('default     = "X86_64"', 'default     = "ARM64"'))
    takers = {m for m, names in generate.SHARED_VARIABLES.items() if "cpu_architecture" in names}
    assert takers == {"ecs-service", "ecs-worker", "migration-task"}
    assert set(generate.stale(tmp_path)) == {tmp_path / "modules" / m / "variables_shared.tf" for m in takers}


# A module may declare an input of the shared source's name itself only for a stated reason.
OWN_DECLARATION_OF_A_SHARED_INPUT = {
    ("codepipeline", "iam_path"): "null means the stack's own path, derived from managed_name_prefix",
    ("codepipeline", "environment"): "the zonke.toml environment the pipeline applies, not a container's",
}


def test_shared_inputs_are_declared_once_and_used() -> None:
    """modules/_shared/variables.tf is the one source of each shared input: no module
    declares one in its own files (unless listed above with a reason), and each module given
    one uses it."""
    shared = set(generate.shared_variable_blocks())
    problems = []
    for module in MODULES:
        folder = REPO_ROOT / "modules" / module
        taken = set(generate.SHARED_VARIABLES.get(module, ()))
        own_text = "".join(f.read_text() for f in folder.glob("*.tf") if f.name != "variables_shared.tf")
        for name in sorted(shared):
            declared = re.search(rf'^variable "{name}" {{', own_text, re.MULTILINE) is not None
            if declared and (module, name) not in OWN_DECLARATION_OF_A_SHARED_INPUT:
                problems.append(f"modules/{module} declares {name}: list it in SHARED_VARIABLES instead")
            if name in taken and f"var.{name}" not in own_text:
                problems.append(f"modules/{module} takes {name} but never uses it")
    assert problems == []


def test_docs_check_detects_a_stale_table(tmp_path: Path) -> None:
    module = tmp_path / "m"
    module.mkdir()
    (module / "variables.tf").write_text('variable "x" {\n  type = string\n  description = "An x."\n}\n')
    (module / "README.md").write_text(f"# m\n{tfdocs.BEGIN}\nold\n{tfdocs.END}\n")
    assert tfdocs.main(["--check", str(module)]) == 1
    assert tfdocs.main([str(module)]) == 0
    assert "| `x` | An x. | `string` | n/a | yes |" in (module / "README.md").read_text()
    assert tfdocs.main(["--check", str(module)]) == 0
