"""Auto Scaling ``DeleteAutoScalingGroup`` with ``ForceDelete``: the instances go with the group.

In AWS, force-deleting an Auto Scaling group deletes it together with all its instances,
whatever their scale-in protection. The emulator scales the group to zero first, which
skips instances protected from scale-in, then drops the group: protected instances (ECS
capacity providers with managed termination protection launch every instance protected)
keep running with no group.

The fix lifts the scale-in protection of the group's instances when ``ForceDelete`` is set,
so the emulator's own delete terminates them; a delete without ``ForceDelete`` is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix


def _wrap_delete(original: Callable[[Any], Any]) -> Callable[..., Any]:
    def delete_auto_scaling_group(self: Any) -> Any:
        if self._get_bool_param("ForceDelete", False):
            group = self.autoscaling_backend.autoscaling_groups.get(self._get_param("AutoScalingGroupName"))
            if group is not None:
                for state in group.instance_states:
                    state.protected_from_scale_in = False
        return original(self)

    return delete_auto_scaling_group


@fix(
    name="autoscaling-force-delete-terminates-instances",
    restores=(
        "Auto Scaling DeleteAutoScalingGroup with ForceDelete terminates every instance of the group, "
        "including instances protected from scale-in"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: Auto Scaling DeleteAutoScalingGroup with ForceDelete in moto 5.2.5 "
        "leaves the group's instances protected from scale-in running, while AWS deletes the "
        "group with all its instances "
        "(https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteAutoScalingGroup.html)"
    ),
)
def install() -> None:
    from moto.autoscaling.responses import AutoScalingResponse

    AutoScalingResponse.delete_auto_scaling_group = _wrap_delete(  # type: ignore[method-assign]  # replaces the emulator's method
        AutoScalingResponse.delete_auto_scaling_group
    )
