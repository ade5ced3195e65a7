"""ECS ``CreateService``: keep the settings the emulator drops.

AWS stores and describes back every setting a service is created with. The emulator's
``CreateService`` silently drops several of them, so the AWS provider finds them missing
on read and plans to change them again after every apply:

- ``enableExecuteCommand`` (ECS Exec), ``healthCheckGracePeriodSeconds`` and
  ``availabilityZoneRebalancing``;
- ``capacityProviderStrategy`` (and, when a strategy is given, AWS reports no
  ``launchType``, where the emulator invents ``EC2``);
- ``deploymentConfiguration`` (minimum healthy and maximum percent, circuit breaker);
- ``enableECSManagedTags``.

The fix runs the emulator's own ``CreateService`` and then records those parameters on
the new service exactly as given, so ``DescribeServices`` returns them (``UpdateService``
already stores what it is given). Nothing is invented for a parameter that was not sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix

# request parameter -> attribute of the emulator's Service model (what DescribeServices reads)
KEPT: dict[str, str] = {
    "enableExecuteCommand": "enable_execute_command",
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "availabilityZoneRebalancing": "availability_zone_rebalancing",
    "capacityProviderStrategy": "capacity_provider_strategy",
    "deploymentConfiguration": "deployment_configuration",
    "enableECSManagedTags": "enable_ecs_managed_tags",
}


def _wrap_create(original: Callable[[Any], Any]) -> Callable[..., Any]:
    def create_service(self: Any) -> Any:
        result = original(self)
        service = result.result["service"]
        for param, attr in KEPT.items():
            value = self._get_param(param)
            if value is not None:
                setattr(service, attr, value)
        if self._get_param("capacityProviderStrategy") and self._get_param("launchType") is None:
            service.launch_type = None
        return result

    return create_service


@fix(
    name="ecs-create-service-keeps-settings",
    restores=(
        "ECS CreateService stores enableExecuteCommand, healthCheckGracePeriodSeconds, "
        "availabilityZoneRebalancing, capacityProviderStrategy, deploymentConfiguration and "
        "enableECSManagedTags, and DescribeServices returns them"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: CreateService: moto 5.2.5 drops enableExecuteCommand, "
        "healthCheckGracePeriodSeconds, availabilityZoneRebalancing, "
        "capacityProviderStrategy, deploymentConfiguration and enableECSManagedTags (and "
        "reports launchType EC2 with a strategy), where AWS's DescribeServices returns "
        "them (ECS API Reference, API_Service)"
    ),
)
def install() -> None:
    from moto.ecs.responses import EC2ContainerServiceResponse as Response

    Response.create_service = _wrap_create(Response.create_service)  # type: ignore[method-assign]  # replaces the emulator's method
