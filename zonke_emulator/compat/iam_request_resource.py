"""IAM enforcement: check a request against the resource it acts on, not against ``*``.

On AWS, a statement ``Allow ecr:PutImage on arn:aws:ecr:...:repository/shop`` allows a
push to that repository (resource types per action: the Service Authorization Reference,
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html,
.../list_amazonelasticcontainerservice.html, .../list_awsstepfunctions.html). With IAM
enforcement on, the emulator checks requests of most services against the resource ``*``,
which no ARN-scoped statement matches: a least-privilege role is denied what AWS allows.

The fix gives the emulator the request's resource ARN for the services the pipeline's
stages call with their own roles: ECR (the repository), ECS (the service, task, task
definition or cluster) and Step Functions (the state machine or execution). Actions AWS
checks against ``*`` keep ``*``. For every other service the action alone decides (a
statement naming the action allows it whatever its resources): more lenient than AWS, so
resource scoping there is covered by plan assertions, never by this emulator.
"""

from __future__ import annotations

from typing import Any

from . import MOTO_RANGE, fix

# A request whose resource the emulator cannot name: any statement's resources match it.
ANY_RESOURCE = "zonke:any-resource"

# Actions AWS authorizes against "*" only (no resource types in the reference).
_STAR_ONLY = {
    "ecr": {"GetAuthorizationToken", "DescribeRegistry", "CreateRepository"},
    "ecs": {
        "RegisterTaskDefinition",
        "DescribeTaskDefinition",
        "DeregisterTaskDefinition",
        "ListTaskDefinitions",
        "ListTaskDefinitionFamilies",
        "ListClusters",
        "ListServices",
        "ListTasks",
        "CreateCluster",
    },
    "states": {"ListStateMachines", "ListActivities", "ValidateStateMachineDefinition"},
}


def _arn(self: Any, service: str, rest: str) -> str:
    return f"arn:aws:{service}:{self.region}:{self.current_account}:{rest}"


def _param(self: Any, name: str) -> Any:
    try:
        return self._get_param(name)
    except Exception:  # a body that is not JSON: the resource stays unknown
        return None


def ecr_resource(self: Any) -> str:
    action = self._get_action()
    if action in _STAR_ONLY["ecr"]:
        return "*"
    name = _param(self, "repositoryName")
    if name:
        return _arn(self, "ecr", f"repository/{name}")
    return ANY_RESOURCE


def _name(value: str) -> str:
    return value.rsplit("/", 1)[-1]


def ecs_resource(self: Any) -> str:
    action = self._get_action()
    if action in _STAR_ONLY["ecs"]:
        return "*"
    cluster = _name(str(_param(self, "cluster") or "default"))
    if action in ("TagResource", "UntagResource", "ListTagsForResource"):
        return str(_param(self, "resourceArn") or ANY_RESOURCE)
    if action in ("UpdateService", "DeleteService", "CreateService"):
        service = str(_param(self, "service") or _param(self, "serviceName") or "")
        if service.startswith("arn:"):
            return service
        return _arn(self, "ecs", f"service/{cluster}/{service}") if service else ANY_RESOURCE
    if action == "DescribeServices":
        services = _param(self, "services") or []
        if services:
            first = str(services[0])
            return first if first.startswith("arn:") else _arn(self, "ecs", f"service/{cluster}/{first}")
        return ANY_RESOURCE
    if action in ("RunTask", "StartTask"):
        td = str(_param(self, "taskDefinition") or "")
        if td.startswith("arn:"):
            return td
        return _arn(self, "ecs", f"task-definition/{td}") if ":" in td else ANY_RESOURCE
    if action in ("StopTask", "DescribeTasks"):
        task = _param(self, "task") or (_param(self, "tasks") or [None])[0]
        if task:
            task = str(task)
            return task if task.startswith("arn:") else _arn(self, "ecs", f"task/{cluster}/{task}")
        return ANY_RESOURCE
    if action in ("DescribeClusters", "DeleteCluster", "UpdateCluster", "PutClusterCapacityProviders"):
        return _arn(self, "ecs", f"cluster/{cluster}")
    return ANY_RESOURCE


def sfn_resource(self: Any) -> str:
    action = self._get_action()
    if action in _STAR_ONLY["states"]:
        return "*"
    for key in ("executionArn", "stateMachineArn", "resourceArn"):
        value = _param(self, key)
        if value:
            return str(value)
    return ANY_RESOURCE


def any_resource(self: Any) -> str:
    return ANY_RESOURCE


def _safe(find: Any) -> Any:
    """Runs for every request, enforced or not: never let it break one."""

    def determine(self: Any) -> str:
        try:
            return str(find(self))
        except Exception:
            return ANY_RESOURCE

    return determine


@fix(
    name="iam-request-resource",
    restores="IAM enforcement matches ARN-scoped statements to the request's resource (ECR, ECS, SFN)",
    moto=MOTO_RANGE,
    upstream="https://github.com/getmoto/moto/issues/9581",
)
def install() -> None:
    from moto.core.responses import BaseResponse
    from moto.ecr.responses import ECRResponse
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.iam.access_control import IAMPolicyStatement
    from moto.stepfunctions.responses import StepFunctionResponse

    # Services that name their own resources (IAM, STS, SQS) keep their method.
    BaseResponse._determine_resource = any_resource  # type: ignore[attr-defined]  # a hook the emulator's request checks call when present
    ECRResponse._determine_resource = _safe(ecr_resource)  # type: ignore[attr-defined]  # a hook the emulator's request checks call when present
    EC2ContainerServiceResponse._determine_resource = _safe(ecs_resource)  # type: ignore[attr-defined]  # a hook the emulator's request checks call when present
    StepFunctionResponse._determine_resource = _safe(sfn_resource)  # type: ignore[attr-defined]  # a hook the emulator's request checks call when present

    original = IAMPolicyStatement._check_element_matches

    def _check_element_matches(self: Any, statement_element: Any, value: str) -> bool:
        if statement_element == "Resource" and value == ANY_RESOURCE:
            return True
        return bool(original(self, statement_element, value))

    IAMPolicyStatement._check_element_matches = _check_element_matches  # type: ignore[method-assign]  # replaces the emulator's method
