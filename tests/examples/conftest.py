"""Fixtures for the example stack: a copy of examples/django-monolith pointed at the emulator."""

from __future__ import annotations

import pytest

from tests.tfharness import TerraformRoot
from zonke_tf.emulator import Emulator
from zonke_tf.engine import LOCAL_CONNECTION_ARN, MANAGED_CACHING_DISABLED, local_provider_override

EXAMPLE = "examples/django-monolith"

# What `zonke deploy --local` passes on top of the defaults: throwaway resources and a
# stand-in for the CodeConnections connection (the emulator has no such service).
LOCAL_VARS = {
    "app_name": "shop",
    "environment": "test",
    "db_deletion_protection": False,
    "db_skip_final_snapshot": True,
    "alb_deletion_protection": False,
    "force_destroy": True,
    "repository_id": "acme/shop",
    "connection_arn": LOCAL_CONNECTION_ARN.format(region="us-east-1"),
    "cdn_app_cache_policy_id": MANAGED_CACHING_DISABLED,
}


@pytest.fixture(scope="module")
def example(make_root, emulator: Emulator) -> TerraformRoot:  # type: ignore[no-untyped-def]
    """The example root, initialised once per test module; its own provider block is
    pointed at the emulator by an override file, as `zonke --local` does."""
    root = make_root(EXAMPLE, with_provider=False)
    (root.dir / "zonke_local_override.tf").write_text(local_provider_override(emulator.url, "us-east-1"))
    return root.init()
