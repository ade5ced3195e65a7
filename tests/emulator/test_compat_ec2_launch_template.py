"""EC2 compatibility fix: a launch template's own tags stay off its launch data."""

from __future__ import annotations

import uuid

import pytest

from zonke_emulator import Emulator


@pytest.mark.fix("ec2-launch-template-own-tags")
def test_own_tags_tag_the_template_and_instance_tags_stay_in_the_data(emulator: Emulator) -> None:
    ec2 = emulator.boto3_session().client("ec2")
    created = ec2.create_launch_template(
        LaunchTemplateName=f"probe-{uuid.uuid4().hex[:8]}",
        LaunchTemplateData={
            "ImageId": "ami-12345678",
            "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "role", "Value": "host"}]}],
        },
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "team", "Value": "web"}]}],
    )["LaunchTemplate"]
    assert created["Tags"] == [{"Key": "team", "Value": "web"}]
    version = ec2.describe_launch_template_versions(LaunchTemplateId=created["LaunchTemplateId"])[
        "LaunchTemplateVersions"
    ][0]
    assert version["LaunchTemplateData"]["TagSpecifications"] == [
        {"ResourceType": "instance", "Tags": [{"Key": "role", "Value": "host"}]}
    ]


@pytest.mark.fix("ec2-launch-template-own-tags")
def test_data_without_tag_specifications_gets_none(emulator: Emulator) -> None:
    ec2 = emulator.boto3_session().client("ec2")
    created = ec2.create_launch_template(
        LaunchTemplateName=f"probe-{uuid.uuid4().hex[:8]}",
        LaunchTemplateData={"ImageId": "ami-12345678"},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "team", "Value": "web"}]}],
    )["LaunchTemplate"]
    version = ec2.describe_launch_template_versions(LaunchTemplateId=created["LaunchTemplateId"])[
        "LaunchTemplateVersions"
    ][0]
    assert "TagSpecifications" not in version["LaunchTemplateData"]
