"""Run the deployed pipeline's stages on this machine, against the local emulator.

Nothing here knows today's stages: the runner reads the pipeline from the emulator
(``codepipeline:GetPipeline``: stages, actions, their order, types and configuration), each
CodeBuild project (``codebuild:BatchGetProjects``: buildspec, environment variables,
service role) and the migration runner (``states:DescribeStateMachine``: definition and
role), and executes each action as its AWS service would, with the credentials of the
action's own role (``sts:AssumeRole`` as the service that assumes it on AWS; see
:mod:`zonke_emulator.iam`). With IAM enforced in the emulator, a permission the role
lacks fails the stage, naming the denied action.

Where this machine differs from AWS, the output says so:

- Source: the repository's ``HEAD`` (``git archive``) stands in for the connection's download.
- CodeBuild: the buildspec's phases run in a bash subprocess with the role's credentials
  and ``AWS_ENDPOINT_URL`` at the emulator; the ``install`` phase is skipped (Terraform,
  zonke and the aws CLI come from this machine); without Docker, a ``docker`` stand-in
  runs container commands from the build context and registers an image manifest in ECR
  with ``PutImage`` instead of pushing layers.
- Step Functions: the definition is checked against the parameters the optimized
  ``ecs:runTask.sync`` integration accepts, then interpreted (:mod:`zonke_tf.asl`); each
  AWS call goes to the emulator as the runner's role. ECS tasks do not run in the emulator:
  a started task is stopped with the exit code of the local ``task_runner`` (by default
  0 without running the command, and the output says so).
- ECS deploy action: what CodePipeline's standard action does (a revision of the service's
  current task definition with the new image, then UpdateService).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zonke_tf import asl
from zonke_tf.errors import OperationError
from zonke_tf.local import Credentials, assume_as_service, client
from zonke_tf.target import EMULATOR_URL_ENV


class StageFailed(OperationError):
    """A stage of the local pipeline run failed (the message says which and why)."""


# Which service assumes each kind of role on AWS (the role's trust policy must name it).
CODEBUILD = "codebuild.amazonaws.com"
CODEPIPELINE = "codepipeline.amazonaws.com"
STATES = "states.amazonaws.com"

# How much of a stage's output its result keeps (an apply's summary and outputs fit).
LOG_TAIL_CHARS = 12000

_VARIABLE = re.compile(r"#\{([A-Za-z0-9_@\-]+)\.([A-Za-z0-9_@\-]+)\}")


@dataclass
class ActionResult:
    stage: str
    action: str
    provider: str
    status: str = "InProgress"  # Succeeded, Failed
    seconds: float = 0.0
    role_arn: str | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    log_tail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "action": self.action,
            "provider": self.provider,
            "status": self.status,
            "seconds": round(self.seconds, 1),
            "role_arn": self.role_arn,
            "notes": self.notes,
            "error": self.error,
            "log_tail": self.log_tail[-2000:] if self.status == "Failed" else "",
        }


TaskRunner = Callable[[dict[str, Any], dict[str, Any]], int]


@dataclass
class LocalRun:
    """Everything one run needs: the emulator, the person's key, the repository, a work folder."""

    url: str
    admin: Credentials
    pipeline_name: str
    repo_dir: Path
    work_dir: Path
    region: str = "us-east-1"
    on_update: Callable[[ActionResult], None] | None = None
    # Runs an ECS task's container locally: (task definition, container override) -> exit code.
    task_runner: TaskRunner | None = None
    # Stages not to run (reported as Skipped): for checking later stages on their own.
    skip_stages: frozenset[str] = frozenset()
    variables: dict[str, dict[str, str]] = field(default_factory=dict)
    artifacts: dict[str, Path] = field(default_factory=dict)
    results: list[ActionResult] = field(default_factory=list)

    def admin_client(self, service: str) -> Any:
        return client(self.url, self.admin, service, self.region)

    def role(self, role_arn: str, service: str, session: str) -> Credentials:
        try:
            return assume_as_service(self.url, self.admin, role_arn, service, session)
        except Exception as exc:  # botocore ClientError
            raise StageFailed(f"{service} could not assume {role_arn}: {_error_text(exc)}") from None


def _error_text(exc: Exception) -> str:
    err = getattr(exc, "response", {}).get("Error", {})
    if err:
        return f"{err.get('Code')}: {err.get('Message')}"
    return str(exc)


def _resolve(value: str, variables: Mapping[str, Mapping[str, str]]) -> str:
    def sub(m: re.Match[str]) -> str:
        ns, name = m.group(1), m.group(2)
        if name not in variables.get(ns, {}):
            raise StageFailed(f"the pipeline refers to #{{{ns}.{name}}}, which no earlier action produced")
        return variables[ns][name]

    return _VARIABLE.sub(sub, value)


# --------------------------------------------------------------------------- the run


def run_pipeline(run: LocalRun) -> list[ActionResult]:
    """Run every stage of the pipeline in order; stop at the first failed action."""
    pipeline = run.admin_client("codepipeline").get_pipeline(name=run.pipeline_name)["pipeline"]
    run.work_dir.mkdir(parents=True, exist_ok=True)
    for stage in pipeline["stages"]:
        for action in sorted(stage["actions"], key=lambda a: int(a.get("runOrder", 1))):
            type_id = action["actionTypeId"]
            provider = f"{type_id['owner']}/{type_id['category']}/{type_id['provider']}"
            result = ActionResult(stage["name"], action["name"], provider)
            run.results.append(result)
            if stage["name"] in run.skip_stages:
                result.status = "Skipped"
                result.notes.append("skipped at the caller's request")
                if run.on_update:
                    run.on_update(result)
                continue
            if run.on_update:
                run.on_update(result)
            started = time.monotonic()
            try:
                handler = _HANDLERS.get((type_id["category"], type_id["provider"]))
                if handler is None:
                    raise StageFailed(f"the local runner cannot run {provider} actions")
                config = {
                    k: _resolve(str(v), run.variables) for k, v in action.get("configuration", {}).items()
                }
                handler(run, pipeline, action, config, result)
                result.status = "Succeeded"
            except StageFailed as exc:
                result.status, result.error = "Failed", str(exc)
            except Exception as exc:  # an AWS call of the action itself (botocore ClientError)
                if not hasattr(exc, "response"):
                    raise
                result.status, result.error = "Failed", _error_text(exc)
            result.seconds = time.monotonic() - started
            if run.on_update:
                run.on_update(result)
            if result.status == "Failed":
                return run.results
    return run.results


def _input_dir(run: LocalRun, action: dict[str, Any]) -> Path:
    names = [a["name"] for a in action.get("inputArtifacts", [])]
    if not names:
        raise StageFailed(f"action {action['name']} has no input artifact")
    if names[0] not in run.artifacts:
        raise StageFailed(f"input artifact {names[0]!r} was not produced by an earlier action")
    return run.artifacts[names[0]]


def _output_dir(run: LocalRun, action: dict[str, Any]) -> Path | None:
    outs: list[str] = [a["name"] for a in action.get("outputArtifacts", [])]
    if not outs:
        return None
    path = run.work_dir / "artifacts" / outs[0]
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    run.artifacts[outs[0]] = path
    return path


def _export(run: LocalRun, action: dict[str, Any], values: Mapping[str, str]) -> None:
    ns = action.get("namespace")
    if ns:
        run.variables[ns] = dict(values)


# --------------------------------------------------------------------------- Source


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise StageFailed(f"git {' '.join(args)} failed in {repo}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def source_action(
    run: LocalRun,
    pipeline: dict[str, Any],
    action: dict[str, Any],
    config: dict[str, str],
    result: ActionResult,
) -> None:
    if shutil.which("git") is None:
        raise StageFailed("the Source stage needs git: install it (Debian: apt-get install git)")
    out = _output_dir(run, action)
    assert out is not None
    top = Path(_git(run.repo_dir, "rev-parse", "--show-toplevel"))
    commit = _git(top, "rev-parse", "HEAD")
    archive = run.work_dir / "source.tar"
    _git(top, "archive", "--format=tar", f"--output={archive}", "HEAD")
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(out, filter="data")
    except tarfile.TarError as exc:
        raise StageFailed(f"commit {commit[:12]} cannot be unpacked safely: {exc}") from None
    finally:
        archive.unlink()
    result.role_arn = pipeline.get("roleArn")
    result.notes.append(
        f"local: commit {commit[:12]} of {top} (git archive HEAD) stands in for the "
        f"{config.get('FullRepositoryId', 'repository')} download"
    )
    _export(
        run,
        action,
        {
            "CommitId": commit,
            "BranchName": config.get("BranchName", ""),
            "FullRepositoryName": config.get("FullRepositoryId", ""),
            "CommitMessage": _git(top, "log", "-1", "--format=%s"),
        },
    )


# --------------------------------------------------------------------------- CodeBuild


def _parse_buildspec(text: str) -> dict[str, Any]:
    import yaml

    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise StageFailed(f"the buildspec is not valid YAML: {exc}") from None
    if not isinstance(spec, dict) or str(spec.get("version")) != "0.2":
        raise StageFailed("the buildspec must be a mapping with version: 0.2")
    return spec


def _shim_dir(run: LocalRun) -> Path:
    shims = run.work_dir / "shims"
    shims.mkdir(parents=True, exist_ok=True)
    docker = shims / "docker"
    docker.write_text(
        f"#!{sys.executable}\nfrom zonke_tf.docker_standin import main\nraise SystemExit(main())\n"
    )
    docker.chmod(0o755)
    return shims


_PHASES = ("install", "pre_build", "build", "post_build")


def run_buildspec(
    spec: dict[str, Any], src_dir: Path, env: dict[str, str], state_dir: Path, log: list[str]
) -> dict[str, str]:
    """Run the phases of a version 0.2 buildspec as CodeBuild does: one shell session whose
    exported variables and working folder carry from command to command and phase to phase
    (https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html); a failed
    command fails its phase; post_build runs after a failed build with
    CODEBUILD_BUILD_SUCCEEDING=0. Returns the exported environment at the end."""
    shell_env = spec.get("env", {}) or {}
    variables = {str(k): str(v) for k, v in (shell_env.get("variables") or {}).items()}
    state_dir.mkdir(parents=True, exist_ok=True)
    env_file, cwd_file = state_dir / "env.sh", state_dir / "cwd"
    # The start-build call's variables (the action's) win over the project's, which win over
    # the buildspec's (env/variables on the page above); ``env`` holds the first two.
    base = {**variables, **env, "CODEBUILD_SRC_DIR": str(src_dir), "CODEBUILD_BUILD_SUCCEEDING": "1"}
    env_file.write_text("".join(f"export {k}={_sh_quote(v)}\n" for k, v in base.items()))
    cwd_file.write_text(str(src_dir))
    phases = spec.get("phases", {}) or {}
    failed: str | None = None
    failed_output: list[str] = []
    for phase in _PHASES:
        commands = [str(c) for c in (phases.get(phase) or {}).get("commands", []) or []]
        if not commands:
            continue
        if phase == "install":
            log.append(
                f"local: install phase skipped ({len(commands)} commands): Terraform, zonke and "
                "the aws CLI come from this machine"
            )
            continue
        if failed and phase != "post_build":
            continue
        script = (
            f'source {_sh_quote(str(env_file))}\ncd "$(cat {_sh_quote(str(cwd_file))})"\n'
            f"trap 'export -p > {_sh_quote(str(env_file))}; pwd > {_sh_quote(str(cwd_file))}' EXIT\n"
            "set -e\n" + "\n".join(commands) + "\n"
        )
        proc = subprocess.run(
            ["bash", "-c", script],
            env={"PATH": env["PATH"], "HOME": env.get("HOME", "/tmp")},
            capture_output=True,
            text=True,
            check=False,
        )
        log.append(f"[{phase}]\n{proc.stdout}{proc.stderr}")
        if proc.returncode != 0:
            if not failed:
                failed, failed_output = f"phase {phase} failed (exit {proc.returncode})", [log[-1]]
            with env_file.open("a") as f:
                f.write("export CODEBUILD_BUILD_SUCCEEDING=0\n")
    if failed:
        raise StageFailed(failed + ": " + _denied(log, failed_output))
    return _read_exports(env_file)


def _denied(log: list[str], failed_output: list[str] | None = None) -> str:
    """Why the build failed: the access-denied message naming the action, else the last
    error line (or line) the first failed phase printed."""
    for chunk in log:
        for line in chunk.splitlines():
            match = re.search(r"is not authorized to perform: ([A-Za-z0-9-]+:[A-Za-z0-9]+)", line)
            if match:
                return f"access denied: the role may not {match.group(1)} ({line.strip()[:300]})"
    for chunk in reversed(failed_output or log):
        lines = [_ANSI.sub("", ln).strip(" \u2502\u2575\u2577") for ln in chunk.splitlines()[1:]]
        lines = [ln for ln in lines if ln]
        errors = [ln for ln in lines if ln.startswith(("Error", "error"))]
        if errors or lines:
            return (errors or lines)[-1][:500]
    return "see the build output"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _sh_quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def _read_exports(env_file: Path) -> dict[str, str]:
    proc = subprocess.run(
        ["bash", "-c", f"source {_sh_quote(str(env_file))} 2>/dev/null; env -0"],
        capture_output=True,
        check=False,
        env={"PATH": os.environ.get("PATH", "")},
    )
    out = {}
    for item in proc.stdout.decode(errors="replace").split("\0"):
        if "=" in item:
            k, v = item.split("=", 1)
            out[k] = v
    return out


# What a stage's zonke needs from this machine to find Terraform and the aws provider
# (zonke_tf.engine): the stand-in for the install phase's downloads.
_MACHINE_TERRAFORM_ENV = frozenset(
    {
        "ZONKE_TERRAFORM",
        "ZONKE_PROVIDER_MIRROR",
        "ZONKE_PLUGIN_CACHE",
        "ZONKE_STACK_SOURCES",
        "PYTHONPATH",
        "TMPDIR",
    }
)


def _tools_path(shims: Path) -> str:
    here = str(Path(sys.executable).parent)  # zonke, aws CLI and python of this installation
    return os.pathsep.join([str(shims), here, os.environ.get("PATH", "")])


def codebuild_action(
    run: LocalRun,
    pipeline: dict[str, Any],
    action: dict[str, Any],
    config: dict[str, str],
    result: ActionResult,
) -> None:
    cb = run.admin_client("codebuild")
    name = config.get("ProjectName", "")
    found = cb.batch_get_projects(names=[name])["projects"]
    if not found:
        raise StageFailed(f"CodeBuild project {name!r} does not exist")
    project = found[0]
    result.role_arn = project["serviceRole"]
    spec = _parse_buildspec(project["source"].get("buildspec", ""))
    creds = run.role(project["serviceRole"], CODEBUILD, f"{name}-local")
    src = run.work_dir / "builds" / name / "src"
    shutil.rmtree(src.parent, ignore_errors=True)
    shutil.copytree(_input_dir(run, action), src)
    shims = _shim_dir(run)
    env: dict[str, str] = {
        "PATH": _tools_path(shims),
        "HOME": os.environ.get("HOME", "/tmp"),
        "AWS_ENDPOINT_URL": run.url,
        # zonke in a stage (the Infrastructure stage's `zonke apply`) targets the emulator
        # with the stage's role, and the Terraform and provider of this machine
        EMULATOR_URL_ENV: run.url,
        **{k: v for k, v in os.environ.items() if k in _MACHINE_TERRAFORM_ENV},
        "ZONKE_DOCKER_STANDIN_STATE": str(src.parent / "docker"),
        "CODEBUILD_RESOLVED_SOURCE_VERSION": run.variables.get("SourceVariables", {}).get("CommitId", ""),
        **creds.env(),
    }
    for var in project.get("environment", {}).get("environmentVariables", []):
        env[var["name"]] = var["value"]
    for var in json.loads(config.get("EnvironmentVariables", "[]") or "[]"):
        env[var["name"]] = _resolve(str(var["value"]), run.variables)
    log: list[str] = []
    try:
        final = run_buildspec(spec, src, env, src.parent / "state", log)
    finally:
        result.log_tail = "\n".join(log)[-LOG_TAIL_CHARS:]
        for chunk in log:
            for line in chunk.splitlines():
                # what stood in for AWS, and a Terraform apply's outcome (the Infrastructure stage)
                if line.startswith(("local:", "Apply complete")) and line not in result.notes:
                    result.notes.append(line)
    exported = (spec.get("env", {}) or {}).get("exported-variables") or []
    _export(run, action, {k: final.get(k, "") for k in exported})
    out = _output_dir(run, action)
    if out is not None:
        _collect_artifacts(spec.get("artifacts") or {}, src, out)


def _collect_artifacts(artifacts: Mapping[str, Any], src: Path, out: Path) -> None:
    """Copy the buildspec's artifact files as CodeBuild does: paths relative to the source
    folder (or ``base-directory``), kept unless ``discard-paths: yes``."""
    base = src / str(artifacts.get("base-directory") or ".")
    discard = str(artifacts.get("discard-paths", "no")).lower() in ("yes", "true")
    for pattern in artifacts.get("files") or []:
        matches = [m for m in base.glob(str(pattern)) if m.is_file()]
        if not matches:
            raise StageFailed(f"artifact file {pattern!r} was not produced by the build")
        for m in matches:
            target = out / (m.name if discard else m.relative_to(base))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(m, target)


# --------------------------------------------------------------------------- Step Functions


def validate_definition(definition: dict[str, Any]) -> list[str]:
    """Problems AWS would reject the definition for: every ``ecs:runTask`` parameter the
    optimized integration does not accept (the one list: :mod:`zonke_tf.stepfunctions_ecs`)."""
    from zonke_tf.stepfunctions_ecs import run_task_problems

    return run_task_problems(definition)


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def _to_api(shape: Any, value: Any) -> Any:
    """Step Functions' PascalCase parameters to the API's member names (shape-aware)."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        members = {k.lower(): k for k in shape.members}
        out = {}
        for key, v in value.items():
            real = members.get(key.lower())
            if real is None:
                raise asl.TaskError("States.Runtime", f"{shape.name} has no member {key}")
            out[real] = _to_api(shape.members[real], v)
        return out
    if shape.type_name == "list" and isinstance(value, list):
        return [_to_api(shape.member, v) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: _to_api(shape.value, v) for k, v in value.items()}
    return value


def _from_api(shape: Any, value: Any) -> Any:
    """An API response as the aws-sdk integration returns it: member names in PascalCase."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        return {
            _pascal(k): _from_api(shape.members.get(k), v) for k, v in value.items() if k in shape.members
        }
    if shape.type_name == "list" and isinstance(value, list):
        return [_from_api(shape.member, v) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: _from_api(shape.value, v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _sdk_call(api_client: Any, action: str, params: dict[str, Any], error_prefix: str | None = None) -> Any:
    model = api_client.meta.service_model
    op_name = next((o for o in model.operation_names if o.lower() == action.lower()), None)
    if op_name is None:
        raise asl.TaskError("States.Runtime", f"{model.service_name} has no action {action}")
    op = model.operation_model(op_name)
    args = _to_api(op.input_shape, params)
    from botocore import xform_name

    method = getattr(api_client, xform_name(op_name))
    try:
        response = method(**args)
    except Exception as exc:  # botocore ClientError becomes the task's error
        err = getattr(exc, "response", {}).get("Error", {})
        code = err.get("Code") or type(exc).__name__
        service = error_prefix or (_pascal(model.service_name) if model.service_name != "ecs" else "Ecs")
        raise asl.TaskError(f"{service}.{code}", err.get("Message") or str(exc)) from None
    response.pop("ResponseMetadata", None)
    return _from_api(op.output_shape, response)


class RunnerAws:
    """Answers the state machine's Task states with the emulator, as the runner's role."""

    def __init__(self, run: LocalRun, creds: Credentials, notes: list[str]) -> None:
        self.run, self.creds, self.notes = run, creds, notes
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = client(self.run.url, self.creds, service, self.run.region)
        return self._clients[service]

    def __call__(self, resource: str, params: dict[str, Any]) -> Any:
        sdk = re.match(r"arn:aws[a-z-]*:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$", resource)
        if sdk:
            service = {"sfn": "stepfunctions"}.get(sdk.group(1), sdk.group(1))
            return _sdk_call(self.client(service), sdk.group(2), params)
        if re.match(r"arn:aws[a-z-]*:states:::ecs:runTask\.sync$", resource):
            return self._run_task_sync(params)
        ddb = re.match(r"arn:aws[a-z-]*:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)$", resource)
        if ddb:
            # The optimized DynamoDB integration: the API's own request and response, errors
            # named "DynamoDB.<code>"
            # (https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html).
            return _sdk_call(self.client("dynamodb"), ddb.group(1), params, error_prefix="DynamoDB")
        raise asl.TaskError("States.Runtime", f"the local runner cannot call {resource}")

    def _run_task_sync(self, params: dict[str, Any]) -> Any:
        ecs = self.client("ecs")
        started = _sdk_call(ecs, "RunTask", params)
        if started.get("Failures"):
            raise asl.TaskError("AmazonECS.Unknown", json.dumps({"Failures": started["Failures"]}))
        task = started["Tasks"][0]
        overrides = (params.get("Overrides") or {}).get("ContainerOverrides") or [{}]
        # What the container runs (read by the emulator's administrator: ECS's own view).
        td = self.run.admin_client("ecs").describe_task_definition(taskDefinition=params["TaskDefinition"])[
            "taskDefinition"
        ]
        if self.run.task_runner is not None:
            code = self.run.task_runner(td, overrides[0])
        else:
            code = 0
            note = "local: ECS tasks do not run in the emulator; each task stopped with exit code 0"
            if note not in self.notes:
                self.notes.append(note)
        # ECS itself stops the task (the emulator's administrator stands in for it).
        admin_ecs = self.run.admin_client("ecs")
        admin_ecs.stop_task(cluster=params["Cluster"], task=task["TaskArn"], reason="local run finished")
        described = admin_ecs.describe_tasks(cluster=params["Cluster"], tasks=[task["TaskArn"]])["tasks"][0]
        out = _from_api(admin_ecs.meta.service_model.shape_for("Task"), described)
        out["LastStatus"] = "STOPPED"
        out["StopCode"] = "EssentialContainerExited"
        for c in out.get("Containers", []):
            c["ExitCode"] = code
            c["LastStatus"] = "STOPPED"
        return out


def stepfunctions_action(
    run: LocalRun,
    pipeline: dict[str, Any],
    action: dict[str, Any],
    config: dict[str, str],
    result: ActionResult,
) -> None:
    arn = config.get("StateMachineArn", "")
    described = run.admin_client("stepfunctions").describe_state_machine(stateMachineArn=arn)
    result.role_arn = described["roleArn"]
    definition = json.loads(described["definition"])
    problems = validate_definition(definition)
    if problems:
        raise StageFailed(
            "the state machine definition would be rejected by AWS:\n  " + "\n  ".join(problems)
        )
    if config.get("InputType", "Literal") == "FilePath":
        path = _input_dir(run, action) / config.get("Input", "")
        if not path.is_file():
            raise StageFailed(
                f"the Step Functions input file {config.get('Input')!r} is not in the input artifact"
            )
        state_input = json.loads(path.read_text())
    else:
        state_input = json.loads(config.get("Input") or "{}")
    creds = run.role(described["roleArn"], STATES, "runner-local")
    name = f"{config.get('ExecutionNamePrefix', 'local')}-{int(time.time())}"
    outcome = asl.run(definition, state_input, RunnerAws(run, creds, result.notes), execution_name=name)
    if outcome.status != "SUCCEEDED":
        raise StageFailed(f"the state machine failed: {outcome.error}: {outcome.cause}")


# --------------------------------------------------------------------------- ECS deploy


_TD_FIELDS = (
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "ephemeralStorage",
    "runtimePlatform",
)


def ecs_deploy_action(
    run: LocalRun,
    pipeline: dict[str, Any],
    action: dict[str, Any],
    config: dict[str, str],
    result: ActionResult,
) -> None:
    """CodePipeline's standard ECS deploy action: a revision of the task definition the
    service runs now, with the images of imagedefinitions.json, then UpdateService
    (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECS.html)."""
    result.role_arn = pipeline["roleArn"]
    creds = run.role(pipeline["roleArn"], CODEPIPELINE, "deploy-local")
    images_file = _input_dir(run, action) / config.get("FileName", "imagedefinitions.json")
    if not images_file.is_file():
        raise StageFailed(f"{images_file.name} is not in the input artifact")
    images = {i["name"]: i["imageUri"] for i in json.loads(images_file.read_text())}
    ecs = client(run.url, creds, "ecs", run.region)
    try:
        svc = ecs.describe_services(cluster=config["ClusterName"], services=[config["ServiceName"]])[
            "services"
        ][0]
        td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
        for c in td["containerDefinitions"]:
            if c["name"] in images:
                c["image"] = images[c["name"]]
        args = {k: td[k] for k in _TD_FIELDS if td.get(k) not in (None, [], {})}
        new = ecs.register_task_definition(**args)["taskDefinition"]["taskDefinitionArn"]
        ecs.update_service(cluster=config["ClusterName"], service=config["ServiceName"], taskDefinition=new)
        ecs.describe_services(cluster=config["ClusterName"], services=[config["ServiceName"]])
    except Exception as exc:  # botocore ClientError
        raise StageFailed(_error_text(exc)) from None
    result.notes.append(f"service {config['ServiceName']} updated to {new}")


def approval_action(
    run: LocalRun,
    pipeline: dict[str, Any],
    action: dict[str, Any],
    config: dict[str, str],
    result: ActionResult,
) -> None:
    result.notes.append("local: the manual approval is approved by the person running the pipeline")


Handler = Callable[[LocalRun, dict[str, Any], dict[str, Any], dict[str, str], ActionResult], None]

_HANDLERS: dict[tuple[str, str], Handler] = {
    ("Source", "CodeStarSourceConnection"): source_action,
    ("Source", "CodeCommit"): source_action,
    ("Build", "CodeBuild"): codebuild_action,
    ("Test", "CodeBuild"): codebuild_action,
    ("Invoke", "StepFunctions"): stepfunctions_action,
    ("Deploy", "ECS"): ecs_deploy_action,
    ("Approval", "Manual"): approval_action,
}


def new_work_dir(project_dir: Path) -> Path:
    base = project_dir / ".zonke" / "pipeline-runs"
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-"), dir=base))


def run_local(
    project_dir: Path,
    url: str,
    admin: Credentials,
    pipeline_name: str,
    iam_enforced: bool,
    on_update: Callable[[ActionResult], None] | None = None,
    task_runner: TaskRunner | None = None,
    region: str = "us-east-1",
    skip_stages: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Run the deployed pipeline locally; a JSON-able summary (status, stages with times)."""
    run = LocalRun(
        url=url,
        admin=admin,
        pipeline_name=pipeline_name,
        repo_dir=project_dir,
        work_dir=new_work_dir(project_dir),
        region=region,
        on_update=on_update,
        task_runner=task_runner,
        skip_stages=skip_stages,
    )
    started = time.monotonic()
    results = run_pipeline(run)
    failed = [r for r in results if r.status == "Failed"]
    notes = []
    if not iam_enforced:
        notes.append(
            "IAM is not enforced by this emulator: the stages' roles were assumed but their "
            "permissions were not checked (start it with ZONKE_LOCAL_IAM=1 to check them)"
        )
    return {
        "pipeline": pipeline_name,
        "status": "Failed" if failed else "Succeeded",
        "local": True,
        "iam_enforced": iam_enforced,
        "seconds": round(time.monotonic() - started, 1),
        "stages": [r.to_json() for r in results],
        "error": failed[0].error if failed else None,
        "notes": notes,
        "work_dir": str(run.work_dir),
    }
