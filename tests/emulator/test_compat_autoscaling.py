"""Auto Scaling compatibility fix: a forced delete takes protected instances with the group."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from zonke_emulator import Emulator


def live_instances(ec2: Any, ids: list[str]) -> list[str]:
    found = ec2.describe_instances(InstanceIds=ids)["Reservations"]
    return [
        i["InstanceId"] for r in found for i in r["Instances"] if i["State"]["Name"] in ("pending", "running")
    ]


@pytest.fixture
def protected_group(emulator: Emulator) -> tuple[Any, Any, str, list[str]]:
    """A group of two instances protected from scale-in: (autoscaling, ec2, name, instance IDs)."""
    session = emulator.boto3_session()
    ec2, asg = session.client("ec2"), session.client("autoscaling")
    vpc = ec2.create_vpc(CidrBlock="10.66.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.66.1.0/24")["Subnet"]["SubnetId"]
    name = f"probe-{uuid.uuid4().hex[:8]}"
    template = ec2.create_launch_template(
        LaunchTemplateName=name, LaunchTemplateData={"ImageId": "ami-12345678", "InstanceType": "t3.micro"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    asg.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=0,
        MaxSize=2,
        DesiredCapacity=2,
        VPCZoneIdentifier=subnet,
        NewInstancesProtectedFromScaleIn=True,
    )
    ids = [
        i["InstanceId"]
        for i in asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0][
            "Instances"
        ]
    ]
    assert len(live_instances(ec2, ids)) == 2
    return asg, ec2, name, ids


@pytest.mark.fix("autoscaling-force-delete-terminates-instances")
def test_force_delete_terminates_protected_instances(
    protected_group: tuple[Any, Any, str, list[str]],
) -> None:
    asg, ec2, name, ids = protected_group
    asg.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
    assert asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"] == []
    assert live_instances(ec2, ids) == []
