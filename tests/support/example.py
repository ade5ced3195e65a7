"""The example stack (examples/django-monolith) as the plan tests see it in local mode."""

from __future__ import annotations

import json

from zonke_tf.config import parse_config, render_tfvars
from zonke_tf.target import local_tfvars_overrides

EXAMPLE = "examples/django-monolith"

_CONFIG = parse_config(
    {"app": {"name": "shop", "environment": "test"}, "pipeline": {"repository": "acme/shop"}}
)
# What `zonke deploy --local` passes on top of the defaults, from the product's local target:
# throwaway resources and stand-ins for what the emulator lacks (CodeConnections, cache policies).
LOCAL_VARS = {
    "app_name": "shop",
    "environment": "test",
    "repository_id": "acme/shop",
    # a fresh stack: the image the service starts with is not built yet (zonke reads this
    # from the emulator on every plan; the plan tests say it)
    "app_image_exists": False,
    **local_tfvars_overrides(_CONFIG, json.loads(render_tfvars(_CONFIG))),
}
