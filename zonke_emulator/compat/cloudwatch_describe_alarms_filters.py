"""CloudWatch ``DescribeAlarms``: every filter given applies.

AWS returns the alarms that match all the request's filters together: an
``AlarmNamePrefix`` (or ``AlarmNames``) and a ``StateValue`` give the named alarms in that
state (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
The emulator applies only the first filter it finds, so "this app's alarms in ALARM"
lists every alarm of the app whatever its state, and `zonke status` would report alarms
that are not firing.

The fix runs the emulator's own lookup, then applies the filters it skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix


def _wrap(original: Callable[[Any], Any]) -> Callable[..., Any]:
    def describe_alarms(self: Any) -> Any:
        result = original(self)
        prefix = self._get_param("AlarmNamePrefix")
        names = self._get_param("AlarmNames", [])
        state = self._get_param("StateValue")

        def keep(alarm: Any) -> bool:
            return (
                (not prefix or alarm.name.startswith(prefix))
                and (not names or alarm.name in names)
                and (not state or alarm.state_value == state)
            )

        found = result.result
        for kind in ("MetricAlarms", "CompositeAlarms"):
            found[kind] = [a for a in found[kind] if keep(a)]
        return result

    return describe_alarms


@fix(
    name="cloudwatch-describe-alarms-all-filters",
    restores="CloudWatch DescribeAlarms applies every filter given (name prefix or names, and state)",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: CloudWatch DescribeAlarms in moto 5.2.5 applies only the first of "
        "ActionPrefix, AlarmNamePrefix, AlarmNames and StateValue, while AWS applies every "
        "filter given together "
        "(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html)"
    ),
)
def install() -> None:
    from moto.cloudwatch.responses import CloudWatchResponse

    original = CloudWatchResponse.describe_alarms
    CloudWatchResponse.describe_alarms = _wrap(original)  # type: ignore[method-assign]  # replaces the emulator's method
