"""Declared secrets are never seeded: which ones have no value yet is reported by
`zonke status` (and `zonke deploy`), read from the app secret in the emulator."""

from __future__ import annotations

import json
from typing import Any

from zonke_tf import ops
from zonke_tf.cli.service import status_text


def test_status_names_the_declared_secrets_without_a_value(aws: Any) -> None:
    sm = aws.client("secretsmanager")
    arn = sm.create_secret(Name="zonke/shop-prod/app", SecretString=json.dumps({"DJANGO_SECRET_KEY": "k"}))[
        "ARN"
    ]
    stack = ops.Stack(
        outputs={"secret_arn": arn, "secret_keys": ["STRIPE_KEY", "SENTRY_DSN"]}, client=aws.client
    )
    assert ops.unset_secrets(stack) == ["SENTRY_DSN", "STRIPE_KEY"]
    st = ops.status(stack)
    assert st.unset_secrets == ["SENTRY_DSN", "STRIPE_KEY"]
    assert "not set: SENTRY_DSN, STRIPE_KEY" in status_text(st)

    sm.put_secret_value(SecretId=arn, SecretString=json.dumps({"DJANGO_SECRET_KEY": "k", "STRIPE_KEY": "sk"}))
    assert ops.unset_secrets(stack) == ["SENTRY_DSN"]
    sm.put_secret_value(
        SecretId=arn,
        SecretString=json.dumps({"DJANGO_SECRET_KEY": "k", "STRIPE_KEY": "sk", "SENTRY_DSN": ""}),
    )
    assert ops.unset_secrets(stack) == []  # set on purpose, even to an empty string
    assert "Secrets:" not in status_text(ops.status(stack))
