"""Find Terraform and write a CLI configuration that never reaches for the registry."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from zonke_tf.engine import cli_config_text as engine_cli_config_text

DEFAULT_MIRROR = Path("/opt/tf-plugins")


class TerraformNotFoundError(RuntimeError):
    pass


def find_terraform() -> str:
    """The terraform binary: ``TERRAFORM`` if set, else the first ``terraform`` on PATH."""
    explicit = os.environ.get("TERRAFORM")
    if explicit:
        if not (Path(explicit).is_file() and os.access(explicit, os.X_OK)):
            raise TerraformNotFoundError(
                f"TERRAFORM={explicit!r} is not an executable file: point it at a terraform "
                "binary (>= 1.11) or unset it to use the one on PATH"
            )
        return explicit
    found = shutil.which("terraform")
    if not found:
        raise TerraformNotFoundError(
            "terraform (>= 1.11) was not found on PATH: install it "
            "(https://developer.hashicorp.com/terraform/install) or set TERRAFORM=/path/to/terraform"
        )
    return found


def provider_mirror() -> Path | None:
    """The filesystem mirror of the aws provider, if any.

    ``ZONKE_PROVIDER_MIRROR`` wins; otherwise /opt/tf-plugins when that folder exists;
    otherwise none, and Terraform installs the provider from the registry as usual.
    """
    explicit = os.environ.get("ZONKE_PROVIDER_MIRROR")
    if explicit:
        path = Path(explicit)
        if not path.is_dir():
            raise TerraformNotFoundError(
                f"ZONKE_PROVIDER_MIRROR={explicit!r} is not a folder: point it at a provider "
                "mirror (terraform providers mirror DIR) or unset it"
            )
        return path
    return DEFAULT_MIRROR if DEFAULT_MIRROR.is_dir() else None


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
