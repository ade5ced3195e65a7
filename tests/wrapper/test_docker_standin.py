"""The docker stand-in of the local pipeline: a pushed image can be pulled back by a retry.

The Build stage reuses the commit's image when ECR already has it (a retry, "Release
change"): it runs ``docker pull`` instead of ``docker build``, then collectstatic in it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from zonke_emulator import Emulator
from zonke_tf import docker_standin


@pytest.fixture
def build_env(tmp_path: Path, emulator: Emulator, aws: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    src = tmp_path / "src"
    app = src / "web"
    app.mkdir(parents=True)
    (app / "manage.py").write_text("print('hi')\n")
    (app / "Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /app\nCOPY web .\n")
    for key, value in {
        "ZONKE_DOCKER_STANDIN_STATE": str(tmp_path / "state"),
        "CODEBUILD_SRC_DIR": str(src),
        "AWS_ENDPOINT_URL": emulator.url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    aws.client("ecr").create_repository(repositoryName="zonke/shop", imageTagMutability="IMMUTABLE")
    monkeypatch.chdir(src)
    return src


def test_a_pushed_image_is_pulled_back_with_its_files(build_env: Path, tmp_path: Path, aws: Any) -> None:
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/zonke/shop:abc123"
    assert docker_standin.main(["build", "--tag", image, "--file", "web/Dockerfile", "."]) == 0
    assert docker_standin.main(["push", image]) == 0
    manifest = json.loads(
        aws.client("ecr").batch_get_image(repositoryName="zonke/shop", imageIds=[{"imageTag": "abc123"}])[
            "images"
        ][0]["imageManifest"]
    )
    assert manifest["annotations"][docker_standin.CONTEXT_ANNOTATION] == "web"

    # a retry of the same commit: a new build folder, a fresh stand-in state, then pull
    os.environ["ZONKE_DOCKER_STANDIN_STATE"] = str(tmp_path / "state2")
    assert docker_standin.main(["pull", image]) == 0
    assert docker_standin.main(["create", "--name", "c", image, "true"]) == 0
    assert docker_standin.main(["pull", image.replace("abc123", "nope")]) == 1


def test_an_image_the_stand_in_did_not_push_cannot_be_pulled(build_env: Path, aws: Any) -> None:
    manifest = {"schemaVersion": 2, "mediaType": docker_standin.OCI_MANIFEST, "config": {}, "layers": []}
    aws.client("ecr").put_image(
        repositoryName="zonke/shop",
        imageManifest=json.dumps(manifest),
        imageManifestMediaType=docker_standin.OCI_MANIFEST,
        imageTag="foreign",
    )
    foreign = "123456789012.dkr.ecr.us-east-1.amazonaws.com/zonke/shop:foreign"
    assert docker_standin.main(["pull", foreign]) == 1
