"""ECS ``UpdateService``: a new task definition starts a new deployment.

When ``UpdateService`` names another task definition, AWS starts a new deployment of it,
which becomes the service's PRIMARY deployment; ``DescribeServices`` then shows that
deployment's ``taskDefinition``
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html). The
emulator records the service's new task definition but leaves its PRIMARY deployment on
the old one, so a deploy step that checks which revision the PRIMARY deployment runs (the
pipeline's, after the deployment circuit breaker may have rolled back) always reads a
rollback.

The fix runs the emulator's own ``UpdateService``, then points the PRIMARY deployment at
the service's task definition, with a new deployment ID and a completed rollout (the
emulator runs no tasks, so there is nothing to wait for).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix


def _wrap(original: Callable[[Any, dict[str, Any]], Any]) -> Callable[..., Any]:
    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        changes_definition = service_properties.get("task_definition") is not None
        service = original(self, service_properties)
        if changes_definition and service.deployments:
            from moto.core.utils import utcnow
            from moto.moto_api._internal import mock_random

            arn = self.describe_task_definition(service.task_definition).arn
            service.task_definition = arn  # AWS describes the service with the full ARN
            deployment = service.deployments[0]
            if deployment.get("taskDefinition") != arn:
                now = utcnow()
                deployment.update(
                    {
                        "id": f"ecs-svc/{mock_random.randint(0, 32**12)}",
                        "taskDefinition": arn,
                        "createdAt": now,
                        "updatedAt": now,
                        "rolloutState": "COMPLETED",
                    }
                )
        return service

    return update_service


@fix(
    name="ecs-update-service-new-deployment",
    restores="ECS UpdateService with another task definition makes it the PRIMARY deployment's",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: UpdateService with another taskDefinition: moto 5.2.5 leaves the "
        "PRIMARY deployment on the old task definition, where AWS starts a new PRIMARY "
        "deployment of the new one (ECS API Reference, API_UpdateService)"
    ),
)
def install() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    EC2ContainerServiceBackend.update_service = _wrap(EC2ContainerServiceBackend.update_service)  # type: ignore[method-assign]  # replaces the emulator's method
