"""The app's shape ([django] in zonke.toml) reaches every module that uses it: rendered by
`to_tfvars` and planned through the example root. Also: DATABASE_URL built at container
start by the wrapper the plan holds, run here for real."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.support import PlanResult, TerraformRoot, assert_plan_matches
from tests.support.example import LOCAL_VARS
from zonke_tf.config import CONTRACT_ENV_KEYS, parse_config, to_tfvars
from zonke_tf.devtools import generate

HERE = Path(__file__).parent

SHAPE = """
[app]
name = "shop"

[django]
project_path = "src"
dockerfile = "docker/web.Dockerfile"
context = "."
asgi_application = "config.asgi"
settings_module = "config.settings.production"
port = 8080
health_path = "/healthz"
static_root = "/srv/app/static"
release_commands = ["migrate --noinput", "createcachetable"]
run_entrypoint = false

[django.environment]
DJANGO_LOG_LEVEL = "WARNING"
FEATURE_FLAGS = "a: b # 'c'"
"""


def shaped_vars() -> dict[str, Any]:
    rendered = to_tfvars(parse_config(tomllib.loads(SHAPE)))
    keys = ("app_path", "dockerfile", "docker_context", "wsgi_application", "asgi", "settings_module",
            "container_port", "health_check_path", "static_root", "release_commands", "app_environment",
            "run_image_entrypoint")  # fmt: skip
    return {**LOCAL_VARS, **{k: rendered[k] for k in keys}}


@pytest.fixture(scope="module")
def shaped(example: TerraformRoot) -> PlanResult:
    return example.plan(shaped_vars())


@pytest.fixture(scope="module")
def default(example: TerraformRoot) -> PlanResult:
    # The defaults of [django] rendered by to_tfvars: today's behaviour.
    rendered = to_tfvars(parse_config({"app": {"name": "shop"}}))
    return example.plan({**rendered, **LOCAL_VARS})


START = HERE.parents[1] / "examples" / "django-monolith" / "container_start.py"


def refs(plan: PlanResult, module: str, argument: str) -> set[str]:
    calls = plan.raw["configuration"]["root_module"]["module_calls"]
    return set(calls[module]["expressions"][argument].get("references", []))


def test_shape_reaches_load_balancer_and_security_group(shaped: PlanResult) -> None:
    assert_plan_matches(shaped, HERE / "expected_django_shape.yaml")


def test_web_and_migration_containers_get_the_shape(shaped: PlanResult) -> None:
    # The container definitions are unknown at plan time (they hold the database host), so
    # the wiring is checked here and the containers in the module plan tests.
    for module in ("service", "migrations"):
        assert "local.entry_point" in refs(shaped, module, "entry_point")
        assert "local.command_prefix" in refs(shaped, module, "command_prefix")
    assert "var.release_commands" in refs(shaped, "migrations", "command")
    assert "var.release_commands" in refs(shaped, "migrations", "extra_release_commands")
    assert "var.asgi" in refs(shaped, "service", "worker_class")
    assert shaped.raw["variables"]["release_commands"]["value"] == [
        ["python", "manage.py", "migrate", "--noinput"],
        ["python", "manage.py", "createcachetable"],
    ]


def test_build_gets_the_dockerfile_static_root_and_only_plain_variables(shaped: PlanResult) -> None:
    # The buildspec is unknown at plan time here (it names the bucket); its rendering is
    # checked in tests/modules/codepipeline. Here: what the root hands the pipeline.
    assert refs(shaped, "pipeline", "collectstatic_environment") == {
        "var.app_environment",
        "var.settings_module",
    }
    assert "var.static_root" in refs(shaped, "pipeline", "static_root")
    assert "var.dockerfile" in refs(shaped, "pipeline", "dockerfile")
    assert "var.docker_context" in refs(shaped, "pipeline", "docker_context")
    assert "var.run_image_entrypoint" in refs(shaped, "pipeline", "collectstatic_run_entrypoint")


def test_defaults_are_todays_behaviour(default: PlanResult) -> None:
    tg = default.one("aws_lb_target_group")
    assert tg["port"] == 8000 and tg["health_check"][0]["path"] == "/health/"
    variables = {k: v["value"] for k, v in default.raw["variables"].items()}
    assert variables["release_commands"] == [["python", "manage.py", "migrate", "--noinput"]]
    assert variables["run_image_entrypoint"] is True and variables["asgi"] is False
    assert variables["wsgi_application"] == "mysite.wsgi:application"
    assert variables["static_root"] == "/app/staticfiles" and variables["app_environment"] == {}
    assert variables["app_path"] == "examples/django-monolith/app"
    assert variables["dockerfile"] is None and variables["settings_module"] is None


@pytest.mark.parametrize(("scheme", "query"), [("postgres", "sslmode=require"), ("mysql", "-")])
def test_database_url_is_built_at_start_with_the_password_percent_encoded(scheme: str, query: str) -> None:
    """The wrapper the root passes (python -c container_start.py SCHEME QUERY COMMAND...), run for real."""
    wrapper = [sys.executable, "-c", START.read_text(), scheme, query]
    password = "p@ss:w/rd?#%+ é"
    env = {"PATH": os.environ["PATH"], "DB_HOST": "db.internal", "DB_PORT": "5432", "DB_NAME": "app",
           "DB_USER": "app user", "DB_PASSWORD": password}  # fmt: skip
    probe = [sys.executable, "-c", "import os; print(os.environ['DATABASE_URL'])"]
    out = subprocess.run([*wrapper, *probe], env=env, capture_output=True, text=True, check=True, timeout=60)
    url = out.stdout.strip()
    suffix = "?sslmode=require" if scheme == "postgres" else ""
    assert url == f"{scheme}://app%20user:p%40ss%3Aw%2Frd%3F%23%25%2B%20%C3%A9@db.internal:5432/app{suffix}"
    parts = urlsplit(url)
    assert unquote(parts.password or "") == password
    assert (parts.hostname, parts.port) == ("db.internal", 5432)
    # Without a database (collectstatic in the build) nothing is added, and the command still runs.
    check = [sys.executable, "-c", "import os; print('DATABASE_URL' in os.environ)"]
    bare = subprocess.run(
        [*wrapper, *check], env={"PATH": os.environ["PATH"]}, capture_output=True, text=True, check=True
    )
    assert bare.stdout.strip() == "False"


def test_root_passes_the_start_wrapper(example: TerraformRoot) -> None:
    text = (HERE.parents[1] / "examples" / "django-monolith" / "main.tf").read_text()
    assert 'file("${path.module}/container_start.py")' in text


def test_contract_keys_agree_with_the_root_validation() -> None:
    """The root's list is generated from config.CONTRACT_ENV_KEYS, and its validation reads it."""
    text = (HERE.parents[1] / "examples" / "django-monolith" / "variables.tf").read_text()
    block = text.split('variable "app_environment"', 1)[1].split("error_message", 1)[0]
    assert "setintersection(keys(var.app_environment), local.contract_env_keys)" in block
    assert all(f'"{name}",' in generate.contract_tf() for name in CONTRACT_ENV_KEYS)


def test_root_refuses_a_contract_variable_in_app_environment(example: TerraformRoot) -> None:
    error = example.plan_error({**LOCAL_VARS, "app_environment": {"DB_HOST": "x"}})
    assert "app_environment must not set a variable" in error


def _self_signed_pem(tmp: Path) -> str:
    subprocess.run(
        ["openssl", "req", "-new", "-x509", "-days", "1", "-nodes", "-subj", "/CN=Test RDS CA",
         "-keyout", str(tmp / "k.pem"), "-out", str(tmp / "c.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return (tmp / "c.pem").read_text()


def test_the_ca_bundle_reaches_the_containers_of_a_postgresql_stack_only(
    example: TerraformRoot, default: PlanResult, tmp_path: Path
) -> None:
    """db_ca_bundle (the region's RDS CAs, which zonke downloads for AWS) becomes DB_CA_BUNDLE
    in the web and migration containers' environment, from which the start wrapper verifies
    the server (tests/examples/test_db_app_user.py runs that part)."""
    names = default.raw["planned_values"]["outputs"]["container_environment_names"]["value"]
    assert "DB_CA_BUNDLE" not in names and "XDG_RUNTIME_DIR" in names
    bundle = _self_signed_pem(tmp_path)
    rendered = to_tfvars(parse_config({"app": {"name": "shop"}}))
    with_bundle = example.plan({**rendered, **LOCAL_VARS, "db_ca_bundle": bundle})
    names = with_bundle.raw["planned_values"]["outputs"]["container_environment_names"]["value"]
    assert "DB_CA_BUNDLE" in names
    for module in ("service", "migrations"):
        assert "local.container_environment" in refs(with_bundle, module, "environment"), module
    on_mysql = to_tfvars(parse_config({"app": {"name": "shop"}, "database": {"engine": "mysql"}}))
    mysql = example.plan({**on_mysql, **LOCAL_VARS, "db_ca_bundle": bundle})
    names = mysql.raw["planned_values"]["outputs"]["container_environment_names"]["value"]
    assert "DB_CA_BUNDLE" not in names
    error = example.plan_error({**LOCAL_VARS, "db_ca_bundle": "not a certificate"})
    assert "db_ca_bundle must be empty or a PEM certificate bundle" in error


def test_the_command_loads_the_wrapper_from_the_environment_and_stays_short() -> None:
    """The command holds a loader, the environment the wrapper's source: the migration
    runner's command override stays far below RunTask's 8192 characters of overrides
    (the emulator refuses more, as AWS does), and the app never sees the source."""
    import json
    import re

    text = (HERE.parents[1] / "examples" / "django-monolith" / "main.tf").read_text()
    block = text.split("start_wrapper = [", 1)[1].split("]", 1)[0]
    loader = json.loads(re.search(r'"python", "-c", ("[^"]*(?:\\.[^"]*)*"),', block).group(1))
    assert 'ZONKE_START_WRAPPER = file("${path.module}/container_start.py")' in text
    env = {"PATH": os.environ["PATH"], "DB_HOST": "db.internal", "DB_PORT": "5432", "DB_NAME": "app",
           "DB_USER": "app_user", "DB_PASSWORD": "pw", "ZONKE_START_WRAPPER": START.read_text()}  # fmt: skip
    probe = [
        sys.executable,
        "-c",
        "import os; print(os.environ['DATABASE_URL'], 'ZONKE_START_WRAPPER' in os.environ)",
    ]
    out = subprocess.run(
        [sys.executable, "-c", loader, "postgres", "sslmode=require", *probe],
        env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert out.stdout.split() == ["postgres://app_user:pw@db.internal:5432/app?sslmode=require", "False"]
    release = ["python", "manage.py", "migrate", "--noinput"]
    override = {"containerOverrides": [{"name": "app", "command": ["python", "-c", loader, "postgres",
                "sslmode=require", *release]}]}  # fmt: skip
    assert len(json.dumps(override)) < 1024
