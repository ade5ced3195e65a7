"""RDS ``DescribeDBParameters``: report ``Source=user`` and honour the ``Source`` filter.

AWS marks every parameter set through ``ModifyDBParameterGroup`` with ``Source: user``
and, when a request names a ``Source``, returns only the parameters from that source.
The emulator returns its stored parameters without any ``Source`` and ignores the filter.
The AWS provider keeps only parameters whose source is ``user`` (or that appear in the
configuration with a known source), so it reads back none of them and plans to set them
again after every apply: an ``aws_db_parameter_group`` never plans clean.

The emulator keeps no engine defaults, so every parameter it holds was set by a user.
The fix labels them ``Source: user`` (unless already labelled) and drops those that do
not match a ``Source`` filter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix


def _wrap_describe(original: Callable[[Any], Any]) -> Callable[..., Any]:
    def describe_db_parameters(self: Any) -> Any:
        response = original(self)
        wanted = self.params.get("Source")
        labelled = [{**p, "Source": p.get("Source") or "user"} for p in response.result["Parameters"]]
        response.result["Parameters"] = [p for p in labelled if wanted is None or p["Source"] == wanted]
        return response

    return describe_db_parameters


@fix(
    name="rds-db-parameters-source",
    restores=(
        "RDS DescribeDBParameters reports Source=user for parameters set with ModifyDBParameterGroup "
        "and returns only the parameters of the Source a request names"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: RDS DescribeDBParameters in moto 5.2.5 answers the parameters set with "
        "ModifyDBParameterGroup without a Source and ignores the Source filter, while AWS reports "
        "them as Source=user and returns only the parameters of the Source requested "
        "(https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBParameters.html)"
    ),
)
def install() -> None:
    from moto.rds.responses import RDSResponse

    RDSResponse.describe_db_parameters = _wrap_describe(RDSResponse.describe_db_parameters)  # type: ignore[method-assign]  # replaces the emulator's method
