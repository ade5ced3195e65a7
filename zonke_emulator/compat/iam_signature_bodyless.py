"""IAM enforcement: the signature of a request without a body is checked against an empty payload.

SigV4 hashes the request's payload, which for a GET, HEAD or DELETE without a body is the
empty string (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html,
"HashedPayload"). With IAM enforcement on, the emulator recomputes each signature from the
request it parsed, and for bodiless requests of some REST services (CloudFront's
GetOriginAccessControl, for one) it hashes the parameters it parsed from the path instead:
a correctly signed request is refused with SignatureDoesNotMatch, and Terraform cannot read
what it created.
"""

from __future__ import annotations

from typing import Any

from . import MOTO_RANGE, fix


@fix(
    name="iam-signature-bodyless",
    restores="a correctly signed GET/HEAD/DELETE without a body passes the signature check",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: with IAM authorization on, a correctly signed bodyless GET such as CloudFront "
        "GetOriginAccessControl gets SignatureDoesNotMatch in moto 5.2.5 (it hashes the parsed "
        "path parameters as the payload), where AWS hashes the empty payload "
        "(https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)"
    ),
)
def install() -> None:
    from moto.iam.access_control import IAMRequestBase

    original = IAMRequestBase._create_aws_request

    def _create_aws_request(self: Any) -> Any:
        request = original(self)
        if self._method in ("GET", "HEAD", "DELETE") and not self._body:
            request.data = b""
        return request

    IAMRequestBase._create_aws_request = _create_aws_request  # type: ignore[method-assign]  # replaces the emulator's method
