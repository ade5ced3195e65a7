"""A ``docker`` stand-in for the local pipeline, on machines without Docker.

The Build stage's buildspec runs as written; its ``docker`` commands reach this program:

- ``login``: accepted (ECR's password is read from stdin and dropped);
- ``build --tag IMAGE [--file F] CONTEXT``: nothing is built; the build context stands in
  for the image's working folder (its Dockerfile's ``WORKDIR``);
- ``create --name N [--env-file F] [--entrypoint E] IMAGE CMD...`` / ``start --attach N``:
  runs CMD with F's variables in a copy of the image's working folder (the source of the
  Dockerfile's ``COPY <src> .``, else the whole context) with this machine's Python
  (``python`` means this interpreter);
- ``cp N:PATH DEST``: copies from that copy, PATH read relative to the ``WORKDIR``;
- ``rm N``: removes the copy;
- ``push IMAGE``: registers an image manifest for IMAGE in ECR with ``PutImage`` (with the
  build's credentials, at ``AWS_ENDPOINT_URL``) instead of uploading layers; the manifest
  notes which folder of the source checkout the image's files are;
- ``pull IMAGE``: reads such a manifest back (a retry of the same commit reuses its image)
  and takes that folder of this checkout as the image's files.

Each step prints a ``local:`` line saying what stood in for Docker. State between calls
lives in ``ZONKE_DOCKER_STANDIN_STATE``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# The image manifests the stand-in registers (OCI, which ECR accepts), and its annotations
# naming where the image's files are in the build's source checkout.
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONTEXT_ANNOTATION = "dev.zonke.standin.context"
WORKDIR_ANNOTATION = "dev.zonke.standin.workdir"


def _state_dir() -> Path:
    path = Path(os.environ.get("ZONKE_DOCKER_STANDIN_STATE") or ".docker-standin")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _load(name: str) -> dict[str, Any]:
    path = _state_dir() / f"{name}.json"
    return dict(json.loads(path.read_text())) if path.is_file() else {}


def _save(name: str, data: dict[str, Any]) -> None:
    (_state_dir() / f"{name}.json").write_text(json.dumps(data))


def _opt(args: list[str], *names: str) -> tuple[str | None, list[str]]:
    rest, value, i = [], None, 0
    while i < len(args):
        if args[i] in names and i + 1 < len(args):
            value, i = args[i + 1], i + 2
            continue
        rest.append(args[i])
        i += 1
    return value, rest


def _workdir(dockerfile: Path) -> str:
    workdir = "/"
    if dockerfile.is_file():
        for line in dockerfile.read_text().splitlines():
            parts = line.strip().split(None, 1)
            if len(parts) == 2 and parts[0].upper() == "WORKDIR":
                workdir = parts[1].strip()
    return workdir


def _app_source(dockerfile: Path, workdir: str) -> str:
    """The part of the build context that becomes the image's working folder: the source of
    the last plain ``COPY <src> .`` (or ``COPY <src> <workdir>``); the whole context otherwise."""
    source = "."
    if dockerfile.is_file():
        for line in dockerfile.read_text().splitlines():
            parts = line.split()
            into_workdir = len(parts) == 3 and parts[2].rstrip("/") in (".", workdir.rstrip("/"))
            if into_workdir and parts[0].upper() == "COPY":
                source = parts[1]
    return source


def cmd_build(args: list[str]) -> int:
    tag, args = _opt(args, "--tag", "-t")
    dockerfile, args = _opt(args, "--file", "-f")
    positional = [a for a in args if not a.startswith("-")]
    if not tag or not positional:
        print("docker stand-in: build needs --tag IMAGE and a context", file=sys.stderr)
        return 2
    context = Path(positional[-1]).resolve()
    if not context.is_dir():
        print(
            f"docker stand-in: unable to prepare context: path {positional[-1]!r} not found", file=sys.stderr
        )
        return 1
    df = (Path(dockerfile) if dockerfile else context / "Dockerfile").resolve()
    workdir = _workdir(df)
    app = (context / _app_source(df, workdir)).resolve()
    images = _load("images")
    images[tag] = {"context": str(app if app.is_dir() else context), "workdir": workdir}
    _save("images", images)
    print(f"local: no Docker here; {tag} is not built, its context {context} stands in for the image")
    return 0


def cmd_create(args: list[str]) -> int:
    name, args = _opt(args, "--name")
    env_file, args = _opt(args, "--env-file")
    _, args = _opt(args, "--entrypoint")  # the stand-in runs no ENTRYPOINT either way
    if not name or not args:
        print("docker stand-in: create needs --name N IMAGE [CMD...]", file=sys.stderr)
        return 2
    image, command = args[0], args[1:]
    images = _load("images")
    if image not in images:
        print(f"docker stand-in: no image {image} (run docker build first)", file=sys.stderr)
        return 1
    root = _state_dir() / "containers" / name
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(images[image]["context"], root, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    containers = _load("containers")
    environment: dict[str, str] = {}
    if env_file:
        for line in Path(env_file).read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip() and not key.lstrip().startswith("#"):
                environment[key.strip()] = value
    containers[name] = {
        "image": image,
        "command": command,
        "environment": environment,
        "root": str(root),
        "workdir": images[image]["workdir"],
    }
    _save("containers", containers)
    return 0


def cmd_start(args: list[str]) -> int:
    names = [a for a in args if not a.startswith("-")]
    containers = _load("containers")
    if not names or names[0] not in containers:
        print(f"docker stand-in: no container {names[:1]}", file=sys.stderr)
        return 1
    c = containers[names[0]]
    command = list(c["command"])
    if command and command[0] in ("python", "python3"):
        command[0] = sys.executable
    print(f"local: running {' '.join(c['command'])} in a copy of the build context, without a container")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(c.get("environment", {}))  # docker create --env-file
    return subprocess.run(command, cwd=c["root"], env=env, check=False).returncode


def cmd_cp(args: list[str]) -> int:
    if len(args) != 2 or ":" not in args[0]:
        print("docker stand-in: cp supports CONTAINER:PATH DEST only", file=sys.stderr)
        return 2
    name, path = args[0].split(":", 1)
    containers = _load("containers")
    if name not in containers:
        print(f"docker stand-in: no container {name}", file=sys.stderr)
        return 1
    c = containers[name]
    workdir = c["workdir"].rstrip("/") + "/"
    if not path.startswith(workdir):
        print(f"docker stand-in: {path} is outside the image's WORKDIR {workdir}", file=sys.stderr)
        return 1
    src = Path(c["root"]) / path[len(workdir) :]
    dest = Path(args[1])
    if src.name == "." or path.endswith("/."):
        shutil.copytree(src, dest, dirs_exist_ok=True)
    elif src.is_dir():
        shutil.copytree(src, dest / src.name if dest.is_dir() else dest, dirs_exist_ok=True)
    else:
        shutil.copy(src, dest)
    return 0


def cmd_rm(args: list[str]) -> int:
    containers = _load("containers")
    for name in [a for a in args if not a.startswith("-")]:
        c = containers.pop(name, None)
        if c:
            shutil.rmtree(c["root"], ignore_errors=True)
    _save("containers", containers)
    return 0


def cmd_push(args: list[str]) -> int:
    import boto3

    if len(args) != 1 or ":" not in args[0].rsplit("/", 1)[-1]:
        print("docker stand-in: push needs REPOSITORY_URL:TAG", file=sys.stderr)
        return 2
    image = args[0]
    repo_url, tag = image.rsplit(":", 1)
    repository = repo_url.split("/", 1)[1]
    # A docker build is not reproducible (the image config records when it was built), so a
    # rebuild of the same commit has a new digest: an IMMUTABLE repository refuses its tag,
    # as ECR refuses a real rebuild's push.
    config = json.dumps({"image": image, "created": time.time_ns()}).encode()
    manifest: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "size": len(config),
            "digest": "sha256:" + hashlib.sha256(config).hexdigest(),
        },
        "layers": [],
    }
    # Where the image's files come from, relative to the build's source checkout: a later
    # `docker pull` of this image (a retry of the same commit) finds them there again.
    built = _load("images").get(image)
    src = os.environ.get("CODEBUILD_SRC_DIR")
    if built and src and Path(built["context"]).is_relative_to(Path(src).resolve()):
        manifest["annotations"] = {
            CONTEXT_ANNOTATION: str(Path(built["context"]).relative_to(Path(src).resolve())),
            WORKDIR_ANNOTATION: built["workdir"],
        }
    ecr = boto3.client("ecr", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
    try:
        ecr.put_image(
            repositoryName=repository,
            imageManifest=json.dumps(manifest),
            imageManifestMediaType=OCI_MANIFEST,
            imageTag=tag,
        )
    except Exception as exc:  # botocore ClientError: shown as docker would fail the push
        print(f"docker stand-in: push of {image} failed: {exc}", file=sys.stderr)
        return 1
    print(f"local: no Docker here; registered an image manifest for {image} in ECR with PutImage")
    return 0


def cmd_pull(args: list[str]) -> int:
    """``pull IMAGE`` of an image this stand-in pushed: its manifest is read from ECR, and
    its files are the checkout's folder that its push recorded (the same commit's source)."""
    import boto3

    if len(args) != 1 or ":" not in args[0].rsplit("/", 1)[-1]:
        print("docker stand-in: pull needs REPOSITORY_URL:TAG", file=sys.stderr)
        return 2
    image = args[0]
    repo_url, tag = image.rsplit(":", 1)
    ecr = boto3.client("ecr", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
    try:
        found = ecr.batch_get_image(repositoryName=repo_url.split("/", 1)[1], imageIds=[{"imageTag": tag}])
    except Exception as exc:  # botocore ClientError: shown as docker would fail the pull
        print(f"docker stand-in: pull of {image} failed: {exc}", file=sys.stderr)
        return 1
    if not found.get("images"):
        print(f"Error response from daemon: manifest for {image} not found", file=sys.stderr)
        return 1
    notes = json.loads(found["images"][0]["imageManifest"]).get("annotations") or {}
    src = os.environ.get("CODEBUILD_SRC_DIR")
    if CONTEXT_ANNOTATION not in notes or not src:
        print(
            f"docker stand-in: {image} was not pushed by the stand-in: its files are unknown", file=sys.stderr
        )
        return 1
    images = _load("images")
    images[image] = {
        "context": str(Path(src).resolve() / notes[CONTEXT_ANNOTATION]),
        "workdir": notes[WORKDIR_ANNOTATION],
    }
    _save("images", images)
    print(
        f"local: no Docker here; {image} found in ECR, its files are this checkout's "
        f"{notes[CONTEXT_ANNOTATION]} (the same commit's source)"
    )
    return 0


def cmd_login(args: list[str]) -> int:
    if "--password-stdin" in args:
        sys.stdin.read()
    print("local: docker login accepted by the stand-in")
    return 0


COMMANDS = {
    "build": cmd_build,
    "create": cmd_create,
    "start": cmd_start,
    "cp": cmd_cp,
    "rm": cmd_rm,
    "push": cmd_push,
    "pull": cmd_pull,
    "login": cmd_login,
}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in COMMANDS:
        print(
            f"docker stand-in: `docker {' '.join(args[:1])}` is not supported without Docker "
            f"(supported: {', '.join(sorted(COMMANDS))})",
            file=sys.stderr,
        )
        return 2
    return COMMANDS[args[0]](args[1:])
