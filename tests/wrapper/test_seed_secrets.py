"""The app secret's first value, written by the wrapper after an apply (ops.seed_generated_secrets),
against the emulator's Secrets Manager: a 64-character key once, never over a value someone
set, one first value however many writers, and never a read of a value (the pipeline's
Infrastructure role, which runs it, is denied GetSecretValue)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from zonke_tf import ops
from zonke_tf.aws_errors import translating
from zonke_tf.errors import AwsAccessDeniedError, OperationError

DJANGO = "DJANGO_SECRET_KEY"


def _action(service: str, method: str) -> str:
    return f"{service}:{''.join(part.title() for part in method.split('_'))}"


class Recorder:
    """boto3 clients that record every API call as its IAM action, and refuse value reads."""

    def __init__(self, make: Callable[[str], Any]) -> None:
        self.make = make
        self.actions: list[str] = []

    def client(self, service: str) -> Any:
        real, actions = self.make(service), self.actions

        class Client:
            def __getattr__(self, name: str) -> Any:
                attr = getattr(real, name)
                if name.startswith("_") or not callable(attr) or name in ("meta", "exceptions"):
                    return attr
                if name in ("get_secret_value", "batch_get_secret_value"):
                    raise AssertionError(f"the seeding called {service} {name}")

                def call(*args: Any, **kwargs: Any) -> Any:
                    actions.append(_action(service, name))
                    return attr(*args, **kwargs)

                return call

        return Client()


@pytest.fixture
def secret(aws: Any) -> str:
    """An app secret as Terraform leaves it: no value."""
    return str(aws.client("secretsmanager").create_secret(Name="zonke/shop-prod/app")["ARN"])


def _stack(arn: str, client: Callable[[str], Any], generated: list[str] | None = None) -> ops.Stack:
    outputs = {
        "secret_arn": arn,
        "secret_keys": [DJANGO, "STRIPE_KEY"],
        "generated_secret_keys": [DJANGO] if generated is None else generated,
    }
    return ops.Stack(outputs=outputs, client=client)


def _versions(aws: Any, arn: str) -> dict[str, list[str]]:
    versions = aws.client("secretsmanager").list_secret_version_ids(SecretId=arn, IncludeDeprecated=True)
    return {v["VersionId"]: sorted(v.get("VersionStages", [])) for v in versions["Versions"]}


def _value(aws: Any, arn: str) -> dict[str, str]:
    return dict(json.loads(aws.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]))


def test_the_first_value_is_a_64_character_key_written_once_without_reading_a_value(
    aws: Any, secret: str
) -> None:
    rec = Recorder(aws.client)
    stack = _stack(secret, rec.client)
    assert ops.unset_secrets(_stack(secret, aws.client)) == [DJANGO, "STRIPE_KEY"]

    first = ops.seed_generated_secrets(stack)
    assert (first.keys, first.outcome) == ([DJANGO], "seeded")
    # exactly the calls the Infrastructure role is allowed (tests/modules/codepipeline), no read
    assert sorted(set(rec.actions)) == sorted(ops.SEED_ACTIONS)
    value = _value(aws, secret)
    assert list(value) == [DJANGO]  # the declared key gets no value, not even an empty one
    assert re.fullmatch(r"[A-Za-z0-9]{64}", value[DJANGO])
    assert value[DJANGO] not in repr(first)
    assert _versions(aws, secret) == {ops.seed_token(secret): ["AWSCURRENT"]}
    assert first.version_id == ops.seed_token(secret)
    # the generated key counts as set; the declared one does not
    assert ops.unset_secrets(_stack(secret, aws.client)) == ["STRIPE_KEY"]

    rec.actions.clear()
    again = ops.seed_generated_secrets(stack)
    assert (again.keys, again.outcome) == ([], "has a value")
    assert rec.actions == ["secretsmanager:DescribeSecret"]
    assert _value(aws, secret) == value


def test_a_value_someone_set_is_never_replaced(aws: Any, secret: str) -> None:
    person = _stack(secret, aws.client)
    ops.seed_generated_secrets(person)
    ops.secrets_set(person, DJANGO, "set-by-a-person", roll=False)
    assert ops.seed_generated_secrets(_stack(secret, Recorder(aws.client).client)).outcome == "has a value"
    assert _value(aws, secret) == {DJANGO: "set-by-a-person"}


def test_a_secret_that_got_its_first_value_from_a_person_is_left_alone(aws: Any, secret: str) -> None:
    ops.secrets_set(_stack(secret, aws.client), "STRIPE_KEY", "sk_test_1", roll=False)
    result = ops.seed_generated_secrets(_stack(secret, Recorder(aws.client).client))
    assert (result.keys, result.outcome) == ([], "has a value")
    assert _value(aws, secret) == {"STRIPE_KEY": "sk_test_1"}


def test_a_second_writer_makes_no_second_first_value(aws: Any, secret: str) -> None:
    """Two runs that both saw no value (the pipeline and a person, or a retry after a lost
    answer): the second put carries the same token with another value, which Secrets Manager
    refuses, so the secret keeps one first value."""
    ops.seed_generated_secrets(_stack(secret, aws.client))
    value = _value(aws, secret)

    def stale(service: str) -> Any:
        real = aws.client(service)

        class Stale:
            def __getattr__(self, name: str) -> Any:
                if name == "describe_secret":  # what it read before the other run wrote
                    return lambda **kw: {**real.describe_secret(**kw), "VersionIdsToStages": {}}
                return getattr(real, name)

        return Stale()

    late = ops.seed_generated_secrets(_stack(secret, stale))
    assert (late.keys, late.outcome) == ([], "seeded by another run")
    assert _versions(aws, secret) == {ops.seed_token(secret): ["AWSCURRENT"]}
    assert _value(aws, secret) == value


def test_nothing_to_generate_calls_nothing(secret: str) -> None:
    def no_client(service: str) -> Any:
        raise AssertionError(f"no {service} call expected")

    result = ops.seed_generated_secrets(_stack(secret, no_client, generated=[]))
    assert (result.keys, result.outcome) == ([], "nothing to generate")


def test_a_missing_secret_is_a_typed_error(aws: Any) -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:zonke/gone/app-AbCdEf"
    with pytest.raises(OperationError, match="does not exist: is the stack deployed"):
        ops.seed_generated_secrets(_stack(arn, aws.client))


def test_a_denied_call_keeps_its_type_and_another_failure_becomes_an_operation_error(
    aws: Any, secret: str
) -> None:
    def failing_put(code: str) -> Callable[[str], Any]:
        """Clients as a target makes them (translating), whose PutSecretValue fails with ``code``."""

        def make(service: str) -> Any:
            real = aws.client(service)

            def put_secret_value(**kwargs: Any) -> Any:
                raise ClientError({"Error": {"Code": code, "Message": "no"}}, "PutSecretValue")

            real.put_secret_value = put_secret_value
            return translating(real)

        return make

    with pytest.raises(AwsAccessDeniedError):
        ops.seed_generated_secrets(_stack(secret, failing_put("AccessDeniedException")))
    with pytest.raises(
        OperationError, match=r"could not write the first value of .*: LimitExceededException: no"
    ):
        ops.seed_generated_secrets(_stack(secret, failing_put("LimitExceededException")))
    assert _versions(aws, secret) == {}


def test_the_database_users_secret_gets_a_username_and_a_password_once(aws: Any) -> None:
    """The app's database user (output database_app_user, PostgreSQL): the same seeding, the
    same calls and the same once-only rule; no value is read or returned."""
    arn = str(aws.client("secretsmanager").create_secret(Name="zonke/shop-prod/db-app-user")["ARN"])
    rec = Recorder(aws.client)
    stack = ops.Stack(
        outputs={"database_app_user": {"username": "app_user", "secret_arn": arn}}, client=rec.client
    )
    first = ops.seed_database_user(stack)
    assert (first.keys, first.outcome) == (["password", "username"], "seeded")
    assert sorted(set(rec.actions)) == sorted(ops.SEED_ACTIONS)
    value = _value(aws, arn)
    assert value["username"] == "app_user" and re.fullmatch(r"[A-Za-z0-9]{64}", value["password"])
    assert value["password"] not in repr(first)
    assert ops.seed_database_user(stack).outcome == "has a value"
    assert _value(aws, arn) == value
    # a stack from before the app's own user has none
    assert ops.seed_database_user(
        ops.Stack(outputs={"database_app_user": None}, client=rec.client)
    ).outcome == ("nothing to generate")
