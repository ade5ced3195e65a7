"""ECS ``RunTask`` of a Fargate ``awsvpc`` task in a VPC without DNS hostnames.

(Task-level memory: the fix in ecs_run_task_task_size.)

An ``awsvpc`` task gets a network interface, whose private DNS name the task's attachment
reports (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Attachment.html).
The emulator's network interfaces have no such attribute, so RunTask fails again with HTTP
500; the fix names it as EC2 does: ``ip-10-0-1-5.ec2.internal`` in us-east-1,
``ip-10-0-1-5.<region>.compute.internal`` elsewhere
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html).
"""

from __future__ import annotations

from typing import Any

from . import MOTO_RANGE, fix


def private_dns_name(private_ip: str, region: str) -> str:
    host = "ip-" + private_ip.replace(".", "-")
    return f"{host}.ec2.internal" if region == "us-east-1" else f"{host}.{region}.compute.internal"


@fix(
    name="ecs-run-task-fargate",
    restores="a network interface has a private DNS name in any VPC (RunTask of an awsvpc task)",
    moto=MOTO_RANGE,
    # Closed upstream (a duplicate of #9089): moto now names the interface only in a VPC
    # with DNS hostnames enabled; RunTask in any other VPC still fails in 5.2.5.
    upstream="https://github.com/getmoto/moto/issues/9179",
)
def install() -> None:
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface

    if not isinstance(getattr(NetworkInterface, "private_dns_name", None), property):
        # The emulator sets the name itself in a VPC with DNS hostnames: keep what it sets.
        def _get(self: Any) -> str:
            named = self.__dict__.get("_zonke_private_dns_name")
            if named:
                return str(named)
            return private_dns_name(str(self.private_ip_address), str(self.ec2_backend.region_name))

        def _set(self: Any, value: str) -> None:
            self.__dict__["_zonke_private_dns_name"] = value

        NetworkInterface.private_dns_name = property(_get, _set)  # type: ignore[assignment]  # a property in place of the emulator's plain attribute
