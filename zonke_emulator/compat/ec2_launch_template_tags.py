"""EC2 ``CreateLaunchTemplate``: the template's own tags stay off its launch data.

In AWS, ``TagSpecifications`` of ``CreateLaunchTemplate`` (resource type ``launch-template``)
tag the launch template itself; the tags for launched instances and volumes are part of
``LaunchTemplateData``, and ``DescribeLaunchTemplateVersions`` returns only those. The
emulator copies the template's own tag specification into the first version's launch data
as well, so the AWS provider finds an extra ``tag_specifications`` block of resource type
``launch-template`` and plans to remove it after every apply.

The fix runs the emulator's own ``CreateLaunchTemplate`` and then drops the
``launch-template`` entries from the first version's data (a resource type AWS does not
accept inside launch data at all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix


def _wrap_create(original: Callable[[Any], Any]) -> Callable[..., Any]:
    def create_launch_template(self: Any) -> Any:
        result = original(self)
        template_id = result.result["LaunchTemplate"]["LaunchTemplateId"]
        template = self.ec2_backend.get_launch_template(template_id)
        for version in template.versions:
            specs = version.data.get("TagSpecifications")
            if specs:
                kept = [s for s in specs if s.get("ResourceType") != "launch-template"]
                if kept:
                    version.data["TagSpecifications"] = kept
                else:
                    version.data.pop("TagSpecifications")
        return result

    return create_launch_template


@fix(
    name="ec2-launch-template-own-tags",
    restores=(
        "EC2 CreateLaunchTemplate tags the launch template itself without copying those tags into "
        "the launch data that DescribeLaunchTemplateVersions returns"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: CreateLaunchTemplate with TagSpecifications of resource type "
        "launch-template: moto 5.2.5 also copies them into the first version's "
        "LaunchTemplateData, where AWS only tags the template (EC2 API Reference, "
        "API_CreateLaunchTemplate)"
    ),
)
def install() -> None:
    from moto.ec2.responses.launch_templates import LaunchTemplates

    LaunchTemplates.create_launch_template = _wrap_create(LaunchTemplates.create_launch_template)  # type: ignore[method-assign]  # replaces the emulator's method
