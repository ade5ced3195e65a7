"""ECS ``RunTask`` of a Fargate task: task-level memory, and the task's network interface.

On Fargate the task-level ``memory`` is required and the container-level ``memory`` and
``memoryReservation`` are optional (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html,
"Task size" and "Memory"): the stack's task definitions set memory on the task only. The
emulator's ``RunTask`` adds up the containers' memory and fails with HTTP 500 on a
container without one, so no migration task can start.

The fix counts such a container as needing nothing of its own, and the task as needing
its task-level memory.

An ``awsvpc`` task gets a network interface, whose private DNS name the task's attachment
reports (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Attachment.html).
The emulator's network interfaces have no such attribute, so RunTask fails again with HTTP
500; the fix names it as EC2 does: ``ip-10-0-1-5.ec2.internal`` in us-east-1,
``ip-10-0-1-5.<region>.compute.internal`` elsewhere
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html).
"""

from __future__ import annotations

import copy
from typing import Any

from . import fix

_MEMORY_KEYS = ("memory", "memoryReservation", "Memory", "MemoryReservation")


def private_dns_name(private_ip: str, region: str) -> str:
    host = "ip-" + private_ip.replace(".", "-")
    return f"{host}.ec2.internal" if region == "us-east-1" else f"{host}.{region}.compute.internal"


@fix(
    name="ecs-run-task-fargate",
    restores="RunTask starts a Fargate awsvpc task whose memory is set on the task only",
)
def install() -> None:
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface
    from moto.ecs.models import EC2ContainerServiceBackend

    if not isinstance(getattr(NetworkInterface, "private_dns_name", None), property):
        # The emulator sets the name itself in a VPC with DNS hostnames: keep what it sets.
        def _get(self: Any) -> str:
            named = self.__dict__.get("_zonke_private_dns_name")
            if named:
                return str(named)
            return private_dns_name(str(self.private_ip_address), str(self.ec2_backend.region_name))

        def _set(self: Any, value: str) -> None:
            self.__dict__["_zonke_private_dns_name"] = value

        NetworkInterface.private_dns_name = property(_get, _set)  # type: ignore[attr-defined]

    original = EC2ContainerServiceBackend._calculate_task_resource_requirements

    def _calculate(task_definition: Any) -> dict[str, Any]:
        containers = task_definition.container_definitions
        missing = [all(c.get(k) is None for k in _MEMORY_KEYS) for c in containers]
        if not any(missing):
            return dict(original(task_definition))
        proxy = copy.copy(task_definition)
        proxy.container_definitions = [
            {**c, "memory": 0} if gap else c for c, gap in zip(containers, missing, strict=True)
        ]
        needs = dict(original(proxy))
        if getattr(task_definition, "memory", None):
            needs["MEMORY"] = max(int(needs["MEMORY"]), int(task_definition.memory))
        return needs

    EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(_calculate)  # type: ignore[method-assign]
