"""IAM wildcards in a policy's ``Action`` and ``Resource``: ``*`` and ``?``, nothing else.

In IAM, ``*`` matches any run of characters and ``?`` exactly one; every other character
stands for itself (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
"You can use wildcard characters (* and ?) within any ARN segment"). The emulator turns the
pattern into a regular expression by replacing ``*`` alone: ``?`` and ``.``, ``+``, ``(``
keep their regex meaning, so ``role/shop-????`` is a regex error ("multiple repeat"), which
the emulator answers with HTTP 500 for every request of a role holding such a statement, and
a ``.`` matches any character.

The fix compiles the pattern the IAM way: each character literal but for the two wildcards.
"""

from __future__ import annotations

import functools
import re

from . import MOTO_RANGE, fix


@functools.lru_cache(maxsize=4096)
def iam_pattern(pattern: str) -> re.Pattern[str]:
    """The regular expression of the IAM wildcard pattern ``pattern`` (whole-string match)."""
    parts = [".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern]
    return re.compile("^" + "".join(parts) + "$", re.DOTALL)


def match(pattern: str, string: str) -> re.Match[str] | None:
    return iam_pattern(pattern).match(string)


@fix(
    name="iam-wildcards",
    restores="IAM policy patterns match with * and ? as wildcards and every other character literally",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: with IAM authorization on, a policy Resource with ? (shop-????) makes every "
        "call of the principal answer HTTP 500 in moto 5.2.5 (the pattern is used as a regex, * "
        "alone translated), where AWS matches ? as one character and . + ( literally "
        "(https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_elements_resource.html)"
    ),
)
def install() -> None:
    from moto.iam.access_control import IAMPolicyStatement

    IAMPolicyStatement._match = staticmethod(match)  # type: ignore[method-assign]  # replaces the emulator's method
