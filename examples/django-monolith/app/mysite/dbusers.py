"""Create the app's own database user, separate from the RDS master user.

    python -m mysite.dbusers        # before `manage.py migrate`, in the migration task

Reads the master user's secret (DB_MASTER_SECRET_ARN, RDS-managed) and the app user's
secret (DB_SECRET_ARN, JSON ``username`` and ``password``). If the app user's secret has
no value yet, a password is generated and stored there first (it never passes through
Terraform, a log or this program's output). Then, connected as the master user over TLS:
the role is created if missing (an existing role is left alone, so a rotation under way is
not undone), and given what the app and its migrations need: CONNECT and TEMP on the
database, USAGE and CREATE on the public schema (PostgreSQL 15 no longer grants CREATE
there to everyone). Migrations then run as the app user and it owns the tables; the master
user is needed only here.

AWS recommends an app user with the least privileges over the master user, whose password
RDS rotates: https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

import psycopg
from psycopg import sql


class BootstrapError(Exception):
    """The app user could not be set up; the message never holds a password."""


def read_secret(client: Any, secret_id: str) -> dict[str, str] | None:
    try:
        value = client.get_secret_value(SecretId=secret_id)
    except Exception as exc:
        if getattr(exc, "response", {}).get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None  # the secret exists without a value (or not at all)
        raise
    return {str(k): str(v) for k, v in json.loads(value["SecretString"]).items()}


def app_credentials(client: Any, secret_id: str, default_user: str) -> tuple[str, str, bool]:
    """(user, password, created): the app user's secret, given a value on first use."""
    found = read_secret(client, secret_id)
    if found is not None:
        return found["username"], found["password"], False
    password = secrets.token_urlsafe(32)
    client.put_secret_value(
        SecretId=secret_id, SecretString=json.dumps({"username": default_user, "password": password})
    )
    return default_user, password, True


def ensure_app_user(
    client: Any, connect: dict[str, Any], master_secret: str, app_secret: str
) -> dict[str, Any]:
    """Make sure the app user exists with the grants it needs; what was done (no passwords)."""
    master = read_secret(client, master_secret)
    if master is None:
        raise BootstrapError(f"the master user secret {master_secret} has no value")
    user, password, generated = app_credentials(
        client, app_secret, default_user=os.environ.get("DB_APP_USER", "app_user")
    )
    if user == master["username"]:
        raise BootstrapError("the app user must not be the master user: give it another username")
    dbname = connect["dbname"]
    with psycopg.connect(
        **connect, user=master["username"], password=master["password"], autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone() is not None
        if not exists:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(user), sql.Literal(password)
                )
            )
        conn.execute(
            sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
                sql.Identifier(dbname), sql.Identifier(user)
            )
        )
        conn.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(sql.Identifier(user)))
    return {"user": user, "created_role": not exists, "generated_password": generated}


def main() -> int:
    import boto3

    env = os.environ
    connect = {
        "host": env["DB_HOST"],
        "port": int(env.get("DB_PORT", "5432")),
        "dbname": env.get("DB_NAME", "app"),
        "sslmode": env.get("DB_SSLMODE", "verify-full"),
        "sslrootcert": env.get(
            "DB_SSLROOTCERT", os.path.join(os.path.dirname(__file__), "..", "rds-global-bundle.pem")
        ),
    }
    done = ensure_app_user(
        boto3.client("secretsmanager"), connect, env["DB_MASTER_SECRET_ARN"], env["DB_SECRET_ARN"]
    )
    print(json.dumps(done))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
