"""The wrapper tells Terraform whether the web service has an image to run (the stack's
``app_image_exists``), reading the service and its ECR repository in the emulator: a fresh
stack waits with no tasks until its first build."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from zonke_emulator import Emulator
from zonke_tf import ops
from zonke_tf.config import parse_config
from zonke_tf.engine import TerraformBinary, Workspace
from zonke_tf.target import LocalTarget

ACCOUNT_REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


def _workspace(tmp_path: Path, url: str, name: str) -> Workspace:
    config = parse_config({"app": {"name": name}})
    return Workspace(
        config, tmp_path, TerraformBinary(("terraform",), "test"), environ={}, target=LocalTarget(url)
    )


def _tfvar(ws: Workspace) -> Any:
    return json.loads(ws.tfvars())["app_image_exists"]


def _push(aws: Any, repository: str, tag: str) -> None:
    config = json.dumps({"tag": tag}).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": len(config),
            "digest": "sha256:" + hashlib.sha256(config).hexdigest(),
        },
        "layers": [],
    }
    aws.client("ecr").put_image(repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag)


def _service_on(aws: Any, name: str, image: str) -> None:
    """The stack's cluster and service (named as the stack names them) on a revision with ``image``."""
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName=name)
    td = ecs.register_task_definition(
        family=name,
        containerDefinitions=[{"name": "web", "image": image, "essential": True, "memory": 512}],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster=name, serviceName=name, taskDefinition=td, desiredCount=0)


def test_an_empty_repository_waits_and_a_pushed_image_runs(
    aws: Any, emulator: Emulator, tmp_path: Path
) -> None:
    ws = _workspace(tmp_path, emulator.url, "shop")
    # nothing yet (the first plan of a fresh stack): no service, no repository
    assert _tfvar(ws) is False and ws.app_image_exists is False
    aws.client("ecr").create_repository(repositoryName="zonke/shop-prod")
    assert _tfvar(ws) is False, "an empty repository has no image to run"
    # the image Terraform's revision names, pushed (what the module README offers by hand)
    _push(aws, "zonke/shop-prod", ops.BOOTSTRAP_TAG)
    assert _tfvar(ws) is True and ws.app_image_exists is True
    # the rendered file Terraform reads carries it
    root = ws.prepare()
    assert json.loads((root / "terraform.tfvars.json").read_text())["app_image_exists"] is True


def test_the_service_image_decides_once_the_service_exists(
    aws: Any, emulator: Emulator, tmp_path: Path
) -> None:
    aws.client("ecr").create_repository(repositoryName="zonke/cafe-prod")
    # still on Terraform's first revision, whose image no build pushes: waiting
    _service_on(aws, "cafe-prod", f"{ACCOUNT_REGISTRY}/zonke/cafe-prod:{ops.BOOTSTRAP_TAG}")
    _push(aws, "zonke/cafe-prod", "c0ffee1")  # a build ran, the deploy did not (yet)
    assert _tfvar(_workspace(tmp_path, emulator.url, "cafe")) is False
    # a deploy moved it onto a built image: running, even once ECR has expired that image
    _service_on(aws, "bar-prod", f"{ACCOUNT_REGISTRY}/zonke/bar-prod:c0ffee1")
    assert _tfvar(_workspace(tmp_path, emulator.url, "bar")) is True


def test_commands_that_plan_nothing_skip_the_look_up(tmp_path: Path) -> None:
    # nothing listens on port 9: a look-up would fail
    ws = _workspace(tmp_path, "http://127.0.0.1:9", "shop")
    assert json.loads(ws.tfvars(probe=False))["app_image_exists"] is False
    assert ws.app_image_exists is None
