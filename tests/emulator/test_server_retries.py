"""A retried call gets the answer the emulator already gave, not a second change.

An AWS SDK repeats a call whose answer it did not get, with the same
``amz-sdk-invocation-id`` and ``amz-sdk-request: attempt=N``. The emulator had already
made the change, so the repeat answered ``EntityAlreadyExists`` (CreateRole, CI of
2026-12-03), ``InvalidPermission.Duplicate`` or ``NotFound``: a failed ``zonke deploy
--local``. See zonke_emulator/server.py, ``_AnsweredCalls``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from zonke_emulator import Emulator, server


def _counting_app() -> tuple[Any, list[str]]:
    made: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        made.append(environ["REQUEST_METHOD"])
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-N", str(len(made)))])
        return [f"made {len(made)}".encode()]

    return app, made


def _call(app: Any, method: str, invocation: str, attempt: int) -> tuple[str, list[Any], bytes]:
    environ = {
        "PATH_INFO": "/",
        "REQUEST_METHOD": method,
        "HTTP_AMZ_SDK_INVOCATION_ID": invocation,
        "HTTP_AMZ_SDK_REQUEST": f"attempt={attempt}; max=3",
    }
    seen: list[tuple[str, list[Any]]] = []
    body = b"".join(app(environ, lambda status, headers: seen.append((status, headers))))
    return seen[0][0], seen[0][1], body


def test_a_retried_change_is_answered_from_the_first_answer(capsys: Any) -> None:
    moto_app, made = _counting_app()
    app = server._build_app([], moto_app=moto_app)
    first = _call(app, "POST", "id-1", 1)
    again = _call(app, "POST", "id-1", 2)
    assert again == first and made == ["POST"], "the retry reached moto a second time"
    assert f"{server.RETRY_PREFIX}attempt=2 replayed=yes POST /" in capsys.readouterr().err
    # another call, even with the same parameters, is a new change
    assert _call(app, "POST", "id-2", 1)[2] == b"made 2"


def test_reads_and_unanswered_calls_go_to_moto_again(capsys: Any) -> None:
    moto_app, made = _counting_app()
    app = server._build_app([], moto_app=moto_app)
    _call(app, "GET", "id-r", 1)
    assert _call(app, "GET", "id-r", 2)[2] == b"made 2"  # reads are safe to repeat, never kept
    # a retry of a call the emulator never answered (its first attempt was lost on the way in)
    assert _call(app, "DELETE", "id-d", 2)[2] == b"made 3"
    assert f"{server.RETRY_PREFIX}attempt=2 replayed=no DELETE /" in capsys.readouterr().err
    assert len(made) == 3


def test_only_successful_answers_are_replayed() -> None:
    """A failed attempt may be retried for a reason that goes away (throttling): the retry
    must reach moto."""
    calls: list[int] = []

    def failing_once(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        calls.append(1)
        start_response("400 Bad Request" if len(calls) == 1 else "200 OK", [])
        return [b"x"]

    app = server._build_app([], moto_app=failing_once)
    assert _call(app, "POST", "id-t", 1)[0].startswith("400")
    assert _call(app, "POST", "id-t", 2)[0].startswith("200")
    assert len(calls) == 2


def test_the_kept_answers_are_bounded() -> None:
    kept = server._AnsweredCalls(kept=2)
    for n in range(3):
        kept.put(f"id-{n}", ("200 OK", [], b""))
    assert kept.get("id-0") is None and kept.get("id-2") is not None


@pytest.mark.parametrize("replay", [True, False], ids=["with-the-fix", "without-it"])
def test_the_sdk_retrying_a_create_role_the_emulator_made(
    emulator: Emulator, aws: Any, replay: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real emulator and boto3: the first CreateRole answer is thrown away as a lost one
    would be, and botocore retries with the same invocation id. With the fix the create
    succeeds; the same retry sent as a new call (what the emulator saw as a retry before)
    fails with EntityAlreadyExists, which is how the CI deploy failed."""
    iam = aws.client("iam")
    name = f"retried-{'a' if replay else 'b'}-{id(iam) % 100000}"
    seen: list[int] = []

    def lose_the_first_answer(attempts: int = 0, response: Any = None, **_: Any) -> float | None:
        seen.append(attempts)
        return 0.0 if attempts == 1 and response is not None else None

    def new_invocation_per_attempt(request: Any, **_: Any) -> None:
        if not replay:
            request.headers["amz-sdk-invocation-id"] = f"fresh-{len(seen)}-{name}"

    iam.meta.events.register("needs-retry.iam.CreateRole", lose_the_first_answer)
    iam.meta.events.register("before-send.iam.CreateRole", new_invocation_per_attempt)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    try:
        if replay:
            made = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
            assert made["Role"]["RoleName"] == name
        else:
            with pytest.raises(iam.exceptions.EntityAlreadyExistsException):
                iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
        assert seen[:2] == [1, 2], seen
        assert [r["RoleName"] for r in iam.list_roles()["Roles"]].count(name) == 1
    finally:
        iam.delete_role(RoleName=name)
