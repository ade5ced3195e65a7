"""ECS ``RunTask``: a task definition sized at the task level runs.

On Fargate, cpu and memory are required at the task level and optional per container
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-size-best-practice.html;
ContainerDefinition.memory: "If using the Fargate launch type, this parameter is optional").
The emulator adds up container-level memory when it places a task and fails with HTTP 500
when a container has none, so ``RunTask`` of such a definition (the stack's web and
migration families, ``zonke run``) never succeeds.

The fix lets containers without their own memory share the task-level memory for that
sum, the way the task's size bounds them on AWS; definitions that size every container
are placed exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix

MEMORY_KEYS = ("memory", "memoryReservation", "Memory", "MemoryReservation")


def _wrap(original: Callable[[Any], Any]) -> Callable[..., Any]:
    def calculate(task_definition: Any) -> Any:
        containers = list(task_definition.container_definitions)
        unsized = [c for c in containers if not any(c.get(k) is not None for k in MEMORY_KEYS)]
        if not unsized or not task_definition.memory:
            return original(task_definition)
        sized = sum(
            int(c.get("memory") or c.get("memoryReservation") or 0) for c in containers if c not in unsized
        )
        share = max(0, int(task_definition.memory) - sized) // len(unsized)
        task_definition.container_definitions = [
            {**c, "memory": share} if c in unsized else c for c in containers
        ]
        try:
            return original(task_definition)
        finally:
            task_definition.container_definitions = containers

    return calculate


@fix(
    name="ecs-run-task-task-level-size",
    restores="ECS RunTask places a Fargate task whose containers have no memory of their own",
    moto=MOTO_RANGE,
    # Closed upstream, but a later comment there reports the memory sum still fails, as it
    # does in moto 5.2.5 (the canary shows it).
    upstream="https://github.com/getmoto/moto/issues/7272",
)
def install() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    # A static method in the emulator's backend: wrapped and set back as one.
    original = EC2ContainerServiceBackend._calculate_task_resource_requirements
    wrapped = staticmethod(_wrap(original))
    EC2ContainerServiceBackend._calculate_task_resource_requirements = wrapped  # type: ignore[method-assign]  # replaces the emulator's method
