"""IAM trust policies with a ``Service`` principal, when the emulator enforces IAM.

On AWS, a role whose trust policy names only ``{"Service": "codebuild.amazonaws.com"}``
can be assumed by CodeBuild and by nobody else: a user calling ``sts:AssumeRole`` on it is
denied (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
"AWS service principals"). With IAM enforcement on (``INITIAL_NO_AUTH_ACTION_COUNT``), the
emulator only knows ``AWS`` principals and fails with HTTP 500 (``principal in None``) on
any trust policy that names a service.

The fix checks principals as AWS does for the two kinds the stack uses: ``AWS`` (an ARN,
a list of ARNs, or ``*``) and ``Service``. The local pipeline runner stands in for a
service with an emulator user named :data:`SERVICE_STANDIN_PREFIX` plus the service
principal (``zonke-standin@codebuild.amazonaws.com``); such a user matches
``{"Service": "codebuild.amazonaws.com"}`` and nothing else. A role that trusts CodeBuild therefore
cannot be assumed as Step Functions, just as on AWS.
"""

from __future__ import annotations

from typing import Any

from . import MOTO_RANGE, fix

SERVICE_STANDIN_PREFIX = "zonke-standin@"


def principal_matches(expected: Any, requester_arn: str) -> bool:
    """Whether ``requester_arn`` is one of the ``Principal`` element's principals."""
    if not expected:
        return True
    if expected == "*":
        return True
    if not isinstance(expected, dict):
        return False
    aws = expected.get("AWS")
    aws_list = [aws] if isinstance(aws, str) else list(aws or [])
    if "*" in aws_list or requester_arn in aws_list:
        return True
    marker = f":user/{SERVICE_STANDIN_PREFIX}"
    if marker in requester_arn:
        service = requester_arn.split(marker, 1)[1]
        services = expected.get("Service")
        service_list = [services] if isinstance(services, str) else list(services or [])
        return service in service_list
    return False


@fix(
    name="iam-service-principal-trust",
    restores="a role trusting a Service principal can be assumed by that service only (no HTTP 500)",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: with IAM authorization on, sts:AssumeRole on a role whose trust policy names "
        "only a Service principal answers HTTP 500 in moto 5.2.5 (_check_principal reads only "
        "Principal.AWS), where AWS answers AccessDenied to any caller but that service "
        "(https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_elements_principal.html)"
    ),
)
def install() -> None:
    from moto.iam.access_control import IAMPolicyStatement

    def _check_principal(self: Any, principal: str) -> bool:
        return principal_matches(self._statement.get("Principal"), principal)

    IAMPolicyStatement._check_principal = _check_principal  # type: ignore[method-assign]  # replaces the emulator's method
