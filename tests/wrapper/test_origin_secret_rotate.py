"""`zonke origin-secret rotate`: bad timing is refused before anything touches AWS.

The rotation itself is proven against the emulator in
tests/modules/cdn_static/test_edge_apply.py (rotation_checks.py): ALB rule values and
CloudFront's origin header read back with boto3 at each phase.
"""

from __future__ import annotations

from typing import Any

import pytest

from zonke_tf import cli, ops
from zonke_tf.errors import OperationError


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--timeout", "0"], "--timeout 0"),
        (["--grace", "-1"], "--grace -1"),
        (["--grace", "7200"], "--grace 7200"),
    ],
)
def test_bad_timing_is_refused_before_the_stack_is_read(
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    field: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # no zonke.toml here: reading the stack would fail differently
    code = cli.main(["origin-secret", "rotate", *args])
    err = capsys.readouterr().err
    assert code == cli.EXIT_USAGE
    assert field in err and "out of range" in err, err


def test_the_operation_checks_timing_before_any_client_is_made() -> None:
    made: list[str] = []

    def client(service: str) -> Any:
        made.append(service)
        raise AssertionError(f"a {service} client was made before the timing was checked")

    with pytest.raises(OperationError, match="--timeout"):
        ops.rotate_origin_secret(ops.Stack(outputs={}, client=client), timeout=0)
    assert made == []


def test_missing_outputs_name_the_output_and_the_fix() -> None:
    with pytest.raises(OperationError, match=r"origin_secret_parameter_name.*zonke apply"):
        ops.rotate_origin_secret(ops.Stack(outputs={}, client=lambda _s: object()))
