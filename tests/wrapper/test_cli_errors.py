"""Every error type has a documented exit code; AWS failures become typed errors that say
what to do, and exit differently from usage errors."""

from __future__ import annotations

import argparse
import inspect
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from zonke_tf import cli, errors
from zonke_tf.aws_errors import translating
from zonke_tf.cli import secrets as secrets_commands
from zonke_tf.errors import (
    AwsAccessDeniedError,
    AwsCredentialsError,
    AwsThrottledError,
    AwsUnreachableError,
    ConfigError,
    OperationError,
    UsageError,
)
from zonke_tf.target import AwsTarget, LocalTarget

REPO = Path(__file__).resolve().parents[2]
NO_RETRY = Config(retries={"mode": "standard", "max_attempts": 1})


def test_readme_exit_code_table_is_generated_from_the_code() -> None:
    readme = (REPO / "README.md").read_text()
    found = re.search(r"<!-- exit-codes -->\n(.*?)<!-- exit-codes -->", readme, re.DOTALL)
    assert found, "README.md lost its <!-- exit-codes --> markers"
    assert found.group(1) == cli.exit_code_table(), (
        "README's exit code table is stale: paste `python -c 'from zonke_tf.cli import "
        "exit_code_table; print(exit_code_table())'` between the markers"
    )


def test_every_error_type_has_an_exit_code_and_aws_differs_from_usage() -> None:
    kinds = [
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, errors.ZonkeError) and obj.__module__ == errors.__name__
    ]
    assert len(kinds) >= 14
    for kind in kinds:
        exc = kind("x") if kind is not errors.TerraformError else kind("x", [], 1)
        assert cli.exit_code(exc) in (1, 2, 3, 4, 5, 130), kind
    assert cli.exit_code(UsageError("x")) == cli.EXIT_USAGE == cli.exit_code(ConfigError("x"))
    for day2 in (OperationError("x"), AwsAccessDeniedError("x"), AwsCredentialsError("x")):
        assert cli.exit_code(day2) == cli.EXIT_AWS != cli.EXIT_USAGE
    # a subclass is never shadowed by its base class earlier in the table
    order = [kind for kind, _, _ in cli.EXIT_CODES]
    for i, kind in enumerate(order):
        assert not any(issubclass(kind, earlier) for earlier in order[:i]), f"{kind.__name__} is shadowed"


def _stubbed(code: str, message: str = "boom") -> Any:
    client = boto3.client(
        "secretsmanager",
        region_name="us-east-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=NO_RETRY,
    )
    stub = Stubber(client)
    stub.add_client_error(
        "list_secrets", service_error_code=code, service_message=message, http_status_code=400
    )
    stub.activate()
    return translating(client)


@pytest.mark.parametrize(
    ("code", "kind", "advice"),
    [
        ("ExpiredTokenException", AwsCredentialsError, "aws sso login"),
        ("UnrecognizedClientException", AwsCredentialsError, "AWS_PROFILE"),
        ("AccessDeniedException", AwsAccessDeniedError, "needs this permission"),
        ("UnauthorizedOperation", AwsAccessDeniedError, "administrator"),
        ("ThrottlingException", AwsThrottledError, "wait a minute"),
        ("RequestLimitExceeded", AwsThrottledError, "run the command again"),
    ],
)
def test_aws_client_errors_become_typed_errors_with_advice(code: str, kind: type, advice: str) -> None:
    client = _stubbed(code, "User: arn:aws:iam::123456789012:user/x is not authorized")
    with pytest.raises(kind, match=re.escape(advice)) as caught:
        client.list_secrets()
    assert "secretsmanager list_secrets" in str(caught.value) and code in str(caught.value)


def test_other_client_errors_pass_through_for_the_operation_to_handle() -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        _stubbed("ResourceNotFoundException").list_secrets()


def test_no_credentials_says_how_to_sign_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_WEB_IDENTITY_TOKEN_FILE", raising=False)
    sts = AwsTarget().client_factory("us-east-1")("sts")
    with pytest.raises(AwsCredentialsError, match=r"no usable AWS credentials.*aws sso login.*--local"):
        sts.get_caller_identity()


def test_an_unreachable_endpoint_says_what_to_check() -> None:
    s3 = LocalTarget("http://127.0.0.1:9").client_factory("us-east-1")("s3")  # nothing listens there
    with pytest.raises(AwsUnreachableError, match=r"could not reach AWS.*emulator"):
        s3.list_buckets()


def test_the_cli_exits_4_on_an_aws_failure_and_2_on_bad_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "zonke.toml").write_text('[app]\nname = "demo"\n')
    monkeypatch.chdir(tmp_path)

    def denied(args: argparse.Namespace) -> Any:
        raise AwsAccessDeniedError("AWS denied the call (secretsmanager get_secret_value): AccessDenied")

    monkeypatch.setattr(secrets_commands, "connect", denied)
    assert cli.main(["secrets", "list"]) == 4
    assert "error: AWS denied the call" in capsys.readouterr().err
    assert cli.main(["scale", "--min", "5", "--max", "2"]) == 2  # checked before connecting
    assert "--min 5 is above --max 2" in capsys.readouterr().err
    assert cli.main(["secrets", "set", "bad-name", "v"]) == 2  # checked before connecting
    assert "'bad-name' is not an environment variable name" in capsys.readouterr().err
    assert cli.main(["secrets", "delete", "DB_PASSWORD"]) == 2
    assert "comes from the database" in capsys.readouterr().err
    assert cli.main(["destroy"]) == 2  # AWS needs --yes, and nothing was touched
    assert "--yes" in capsys.readouterr().err
    assert not (tmp_path / ".zonke").exists()


def test_no_local_stack_is_one_error_worded_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI's workspace commands, its day-2 commands and the Python API open a workspace
    the same way (api.open_workspace), so they say the same thing when there is none."""
    from zonke_tf import api
    from zonke_tf.errors import NoLocalStackError

    (tmp_path / "zonke.toml").write_text('[app]\nname = "demo"\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NoLocalStackError) as caught:
        api.connect(local=True)
    message = str(caught.value)
    assert "zonke deploy --local" in message
    for argv in (
        ["output", "--local"],
        ["destroy", "--local"],
        ["status", "--local"],
        ["secrets", "list", "--local"],
    ):
        assert cli.main(argv) == cli.EXIT_AWS
        assert capsys.readouterr().err.strip().splitlines()[-1] == f"error: {message}", argv


@pytest.mark.parametrize(
    ("raised", "code"),
    [
        ("MotoUnavailableError", 3),  # a missing tool: install the emulator extra
        ("EmulatorError", 5),  # the emulator could not start or answer
    ],
)
def test_the_emulators_own_errors_exit_with_the_wrappers_codes(
    raised: str, code: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """zonke_emulator raises its own errors; with --local, the CLI's one seam
    (zonke_tf.local.translated) turns them into the wrapper's typed ones, so the exit-code
    table applies and no traceback is printed."""
    from zonke_emulator import errors as emulator_errors

    def boom(args: argparse.Namespace, console: Any) -> int:
        raise getattr(emulator_errors, raised)("the emulator says no: do this")

    parser = cli.build_parser()
    args = parser.parse_args(["plan", "--local"])
    args.func = boom
    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", lambda self, argv=None: args)
    assert cli.main(["plan", "--local"]) == code
    assert "the emulator says no: do this" in capsys.readouterr().err
    args.local = False  # without --local nothing translates them: they are not the wrapper's
    with pytest.raises(emulator_errors.EmulatorError):
        cli.main(["plan"])
