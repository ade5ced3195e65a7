"""RDS: keep a DB instance's Performance Insights settings and describe them back.

AWS stores the Performance Insights settings of a DB instance (``EnablePerformanceInsights``,
``PerformanceInsightsKMSKeyId``, ``PerformanceInsightsRetentionPeriod``, given to
``CreateDBInstance`` or ``ModifyDBInstance``) and ``DescribeDBInstances`` returns them as
``PerformanceInsightsEnabled``, the key, and the retention (7 days unless another is
given). The emulator drops them on create, and on modify keeps ``EnablePerformanceInsights``
under a name it never describes. The AWS provider therefore reads Performance Insights as
off and plans to turn it on again after every apply.

The fix records the settings given to create as the emulator's modify already does, and
describes ``PerformanceInsightsEnabled`` from that stored request value; with Performance
Insights on and no retention given, it reports AWS's default of 7 days.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix

DEFAULT_RETENTION_DAYS = 7
SETTINGS = (
    "enable_performance_insights",
    "performance_insights_kms_key_id",
    "performance_insights_retention_period",
)


def _wrap_init(original: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        for key in SETTINGS:
            if kwargs.get(key) is not None:
                setattr(self, key, kwargs[key])

    return __init__


def _enabled(self: Any) -> bool:
    return bool(getattr(self, "enable_performance_insights", False))


def _retention(self: Any) -> int | None:
    stored = self.__dict__.get("performance_insights_retention_period")
    if stored is not None:
        return int(stored)
    return DEFAULT_RETENTION_DAYS if _enabled(self) else None


def _set_retention(self: Any, value: Any) -> None:
    self.__dict__["performance_insights_retention_period"] = value


@fix(
    name="rds-keeps-performance-insights",
    restores=(
        "RDS stores the Performance Insights settings given to CreateDBInstance and ModifyDBInstance, "
        "and DescribeDBInstances returns PerformanceInsightsEnabled, the KMS key and the retention "
        "(7 days by default)"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: RDS CreateDBInstance in moto 5.2.5 drops EnablePerformanceInsights, "
        "PerformanceInsightsKMSKeyId and PerformanceInsightsRetentionPeriod and DescribeDBInstances "
        "never answers PerformanceInsightsEnabled, while AWS stores and describes them (retention 7 "
        "days by default) "
        "(https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html)"
    ),
)
def install() -> None:
    from moto.rds.models import DBInstance

    DBInstance.__init__ = _wrap_init(DBInstance.__init__)  # type: ignore[method-assign]  # replaces the emulator's method
    DBInstance.performance_insights_enabled = property(_enabled)  # type: ignore[attr-defined]  # adds a property the emulator lacks
    DBInstance.performance_insights_retention_period = property(_retention, _set_retention)  # type: ignore[attr-defined]  # adds a property the emulator lacks
