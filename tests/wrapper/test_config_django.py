"""The [django] table of zonke.toml: defaults are the sample app's shape (today's
behaviour), bad input names the field and the fix, and the values reach the tfvars."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from zonke_tf.config import parse_config, starter_config, to_tfvars
from zonke_tf.errors import ConfigError


def django(**values: Any) -> dict[str, Any]:
    return {"app": {"name": "shop"}, "django": values}


def test_defaults_render_todays_stack() -> None:
    tfvars = to_tfvars(parse_config({"app": {"name": "shop"}}))
    assert tfvars["app_path"] == "examples/django-monolith/app"
    assert tfvars["dockerfile"] is None and tfvars["docker_context"] is None
    assert tfvars["wsgi_application"] == "mysite.wsgi:application" and tfvars["asgi"] is False
    assert tfvars["settings_module"] is None
    assert tfvars["container_port"] == 8000 and tfvars["health_check_path"] == "/health/"
    assert tfvars["static_root"] == "/app/staticfiles"
    assert tfvars["release_commands"] == [["python", "manage.py", "migrate", "--noinput"]]
    assert tfvars["app_environment"] == {} and tfvars["run_image_entrypoint"] is True


def test_a_full_table_renders() -> None:
    tfvars = to_tfvars(
        parse_config(
            django(
                project_path="./src/",
                dockerfile="docker/Dockerfile",
                context=".",
                asgi_application="config.asgi",
                settings_module="config.settings.production",
                port=8080,
                health_path="/-/health",
                static_root="/srv/static",
                release_commands=["migrate --noinput", "createcachetable", "loaddata 'my data.json'"],
                environment={"DJANGO_LOG_LEVEL": "WARNING", "SITE_NAME": "Shop"},
                run_entrypoint=False,
            )
        )
    )
    assert tfvars["app_path"] == "src" and tfvars["docker_context"] == "."
    assert tfvars["wsgi_application"] == "config.asgi:application" and tfvars["asgi"] is True
    assert tfvars["release_commands"][2] == ["python", "manage.py", "loaddata", "my data.json"]
    assert tfvars["app_environment"] == {"DJANGO_LOG_LEVEL": "WARNING", "SITE_NAME": "Shop"}
    assert tfvars["run_image_entrypoint"] is False


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"project_path": "../elsewhere"}, ["django.project_path", "relative to the repository root"]),
        ({"project_path": "/abs"}, ["django.project_path", "relative"]),
        ({"wsgi_application": "my-site.wsgi"}, ["django.wsgi_application", "mysite.wsgi:application"]),
        (
            {"wsgi_application": "a.wsgi", "asgi_application": "a.asgi"},
            ["django", "not both", "uvicorn workers"],
        ),
        ({"settings_module": "config/settings.py"}, ["django.settings_module", "dotted"]),
        ({"port": 80}, ["django.port", "1024"]),
        ({"health_path": "health"}, ["django.health_path", "starting with '/'"]),
        ({"health_path": "/h?x=1"}, ["django.health_path", "'?'"]),
        ({"static_root": "static"}, ["django.static_root", "absolute", "STATIC_ROOT"]),
        ({"release_commands": []}, ["django.release_commands", "1 to 6"]),
        ({"release_commands": ["python manage.py migrate"]}, ["manage.py command only", "migrate --noinput"]),
        ({"release_commands": ["migrate 'x"]}, ["does not parse"]),
        ({"environment": {"lower": "x"}}, ["django.environment", "environment variable name"]),
        ({"environment": {"DB_HOST": "x"}}, ["django.environment", "'DB_HOST' is set by the stack"]),
        ({"environment": {"DATABASE_URL": "x"}}, ["'DATABASE_URL' is set by the stack"]),
        ({"environment": {"DJANGO_SETTINGS_MODULE": "x"}}, ["is set by settings_module"]),
        (
            {"environment": {"STRIPE_API_KEY": "x"}},
            ["looks like a secret", "[secrets] keys", "zonke secrets set"],
        ),
        ({"environment": {"A": "one\ntwo"}}, ["one line"]),
        ({"wsgi": "x"}, ["django.wsgi", "unknown setting"]),
    ],
)
def test_bad_values_name_the_field_and_the_fix(values: dict[str, Any], expected: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(django(**values))
    for part in expected:
        assert part in str(err.value), (part, str(err.value))


def test_a_name_in_both_environment_and_secrets_is_refused() -> None:
    data = {**django(environment={"SITE_NAME": "x"}), "secrets": {"keys": ["SITE_NAME"]}}
    with pytest.raises(ConfigError, match="both name SITE_NAME"):
        parse_config(data)


def test_database_url_is_the_stacks() -> None:
    with pytest.raises(ConfigError, match="'DATABASE_URL' is provided by the stack"):
        parse_config({"app": {"name": "shop"}, "secrets": {"keys": ["DATABASE_URL"]}})


def test_starter_file_documents_the_table_with_the_defaults() -> None:
    text = starter_config("shop")
    parsed = parse_config(tomllib.loads(text))
    assert parsed.django == parse_config({"app": {"name": "shop"}}).django
    for field in ("project_path", "wsgi_application", "settings_module", "port", "health_path",
                  "static_root", "release_commands", "run_entrypoint", "[django.environment]"):  # fmt: skip
        assert field in text
