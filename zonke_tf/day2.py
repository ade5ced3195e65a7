"""What follows a change of the app secret's key set, shared by the CLI and the dashboard.

The key set lives in three places that must agree: the secret itself (the day-2 operation
changed it), ``zonke.toml`` (``[secrets] keys``, what the next plan renders), and the two task
definitions Terraform owns (web service and migrations), whose container ``secrets`` list
every key. The day-2 operation already rolled the service onto a revision of the running
task definition with the new keys (the live image). Terraform's own revisions still list the
old keys, so the next plan would replace both. Here Terraform itself registers them from the
updated config (an apply targeted at the task definitions only), so the next ``zonke plan``
shows no changes.

Owner of each field: the secret's values and the service's running revision belong to the
day-2 path; the task definitions' content belongs to Terraform (registered here on its
behalf); the running image belongs to the pipeline.
"""

from __future__ import annotations

import re
from pathlib import Path

from zonke_tf.config import load_config
from zonke_tf.config_edit import record_secret_keys
from zonke_tf.engine import EventHandler, Workspace

_TASK_DEFINITION = re.compile(r"(^|\.)aws_ecs_task_definition\.")


def sync_secret_keys(
    ws: Workspace | None,
    path: Path,
    env: str | None,
    keys: list[str],
    on_event: EventHandler | None = None,
) -> list[str]:
    """Record ``keys`` in the config; with a workspace, let Terraform register its task
    definitions with them. Returns the Terraform addresses applied (none without a workspace)."""
    record_secret_keys(path, env, keys)
    if ws is None:
        return []
    return register_task_definitions(ws, path, env, on_event)


def register_task_definitions(
    ws: Workspace, path: Path, env: str | None, on_event: EventHandler | None = None
) -> list[str]:
    """Terraform registers its task definitions from the config as it is on disk now (an
    apply targeted at them only). Returns the addresses applied."""
    ws.config = load_config(path, env=env)
    # The task definitions only: app_image_exists is not theirs, the database CA bundle is.
    ws.prepare(probe=False, ca_bundle=True)
    ws.init()
    targets = [a for a in ws.state_resources() if _TASK_DEFINITION.search(a)]
    if not targets:
        return []
    ws.run_json(["apply", "-input=false", "-auto-approve", *(f"-target={t}" for t in targets)], on_event)
    return targets
