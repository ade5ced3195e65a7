"""The example stack root pointed at the emulator for plan-only tests."""

from __future__ import annotations

from tests.support import TerraformRoot
from zonke_tf.target import PROVIDER_OVERRIDE_FILE, LocalTarget

# Override files merge in lexicographic order; this one's backend block replaces the S3
# backend of the local target's override (https://developer.hashicorp.com/terraform/language/files/override).
LOCAL_BACKEND_OVERRIDE = "zz_test_backend_override.tf"


def point_at_emulator(root: TerraformRoot, emulator_url: str) -> TerraformRoot:
    """Write what `zonke --local` writes (every provider call goes to the emulator), but keep
    the state in a local file: these tests only plan, and share one emulator."""
    (root.dir / PROVIDER_OVERRIDE_FILE).write_text(
        LocalTarget(emulator_url).provider_override("us-east-1") or ""
    )
    (root.dir / LOCAL_BACKEND_OVERRIDE).write_text('terraform {\n  backend "local" {}\n}\n')
    return root
