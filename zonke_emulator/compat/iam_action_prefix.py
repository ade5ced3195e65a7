"""IAM checks a call against the service's IAM prefix, not its signing name.

A request is signed for a service's signing name (in its SigV4 credential scope); IAM names
the action with the service's prefix from the Service Authorization Reference. They differ
for CloudWatch: signed as ``monitoring``, authorized as ``cloudwatch:DescribeAlarms``
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
With IAM enforced, the emulator builds the action from the signing name, so a role allowed
``cloudwatch:DescribeAlarms`` is refused ``monitoring:DescribeAlarms``, and Terraform's
refresh of an alarm fails for the pipeline's Infrastructure role.

The fix maps the signing names that differ to their IAM prefixes before the check.
"""

from __future__ import annotations

import functools
from typing import Any

from . import MOTO_RANGE, fix

# SigV4 signing name -> IAM action prefix, where they differ (services the stack calls).
IAM_PREFIX = {"monitoring": "cloudwatch"}


@fix(
    name="iam-action-prefix",
    restores="IAM authorizes CloudWatch calls as cloudwatch:<Action>, not by the signing name monitoring",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: with IAM authorization on, a CloudWatch call (DescribeAlarms) is checked as "
        "monitoring:DescribeAlarms (the SigV4 signing name) in moto 5.2.5, where AWS authorizes "
        "cloudwatch:DescribeAlarms (https://docs.aws.amazon.com/service-authorization/latest/"
        "reference/list_amazoncloudwatch.html)"
    ),
)
def install() -> None:
    from moto.iam.access_control import IAMRequestBase

    original = IAMRequestBase.__init__

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        prefix = IAM_PREFIX.get(self._service)
        if prefix is not None:
            self._action = prefix + self._action[len(self._service) :]

    IAMRequestBase.__init__ = __init__  # type: ignore[method-assign]  # replaces the emulator's method
