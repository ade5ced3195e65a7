"""botocore's exceptions, translated into typed errors whose message says what to do.

The day-2 operations get their boto3 clients from a target (zonke_tf/target.py), which
wraps each client with :func:`translating`: a call that fails for lack of credentials,
with an expired token, for lack of a permission, because AWS throttles it, or because the
endpoint cannot be reached raises an :class:`~zonke_tf.errors.AwsError` subclass. Every
other error (a resource that does not exist, a conflict) passes through untouched, for
the operation to handle.

The error codes are AWS's common errors, which every service may answer:
https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html
EC2 names some differently (AuthFailure, UnauthorizedOperation, RequestLimitExceeded):
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
How the AWS SDKs and CLI find credentials:
https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
"""

from __future__ import annotations

from typing import Any

from zonke_tf.errors import (
    AwsAccessDeniedError,
    AwsCredentialsError,
    AwsError,
    AwsThrottledError,
    AwsUnreachableError,
)

EXPIRED_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "AuthFailure",
    }
)
DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "NotAuthorized", "AuthorizationError"}
)
THROTTLED_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
    }
)

CREDENTIALS_FIX = (
    "sign in (`aws sso login`, or `aws configure` for access keys), or choose a profile with "
    "AWS_PROFILE; or use --local to work with the local emulator"
)


def translate(exc: BaseException, operation: str = "") -> AwsError | None:
    """The typed error for a botocore exception, or None when the caller should handle it."""
    from botocore import exceptions as bx

    what = f" ({operation})" if operation else ""
    if isinstance(
        exc,
        bx.NoCredentialsError
        | bx.PartialCredentialsError
        | bx.CredentialRetrievalError
        | bx.ProfileNotFound
        | bx.TokenRetrievalError
        | bx.SSOTokenLoadError
        | bx.UnauthorizedSSOTokenError,
    ):
        return AwsCredentialsError(f"no usable AWS credentials{what}: {exc}; {CREDENTIALS_FIX}")
    if isinstance(exc, bx.NoRegionError):
        return AwsCredentialsError(
            f"no AWS region{what}: set app.region in zonke.toml, or AWS_REGION in the environment"
        )
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError | bx.ConnectionClosedError):
        return AwsUnreachableError(
            f"could not reach AWS{what}: {exc}; check the network and the region; with --local, "
            "check that the emulator runs (`zonke deploy --local` starts it)"
        )
    if isinstance(exc, bx.ReadTimeoutError):
        return AwsUnreachableError(f"AWS did not answer in time{what}: {exc}; try again in a minute")
    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {})
        code, message = str(error.get("Code", "")), str(error.get("Message", ""))
        if code in EXPIRED_CODES:
            return AwsCredentialsError(
                f"AWS did not accept the credentials{what}: {code}: {message}; they may have expired: "
                + CREDENTIALS_FIX
            )
        if code in DENIED_CODES:
            return AwsAccessDeniedError(
                f"AWS denied the call{what}: {code}: {message}; the identity you use needs this "
                "permission (ask your account's administrator), or use a profile that has it (AWS_PROFILE)"
            )
        if code in THROTTLED_CODES:
            return AwsThrottledError(
                f"AWS is throttling the calls{what}: {code}; wait a minute and run the command again"
            )
    return None


class _TranslatingClient:
    """A boto3 client whose API calls raise typed errors for the failures above."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name.startswith("_") or name in ("meta", "exceptions") or not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return attr(*args, **kwargs)
            except Exception as exc:
                typed = translate(exc, f"{self._client.meta.service_model.service_name} {name}")
                if typed is None:
                    raise
                raise typed from exc

        return call


def translating(client: Any) -> Any:
    """Wrap a boto3 client so that its calls raise typed errors (see :func:`translate`)."""
    return _TranslatingClient(client)
