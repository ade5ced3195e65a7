"""Plan tests of modules/ecs-service: the app's shape (entry point, command prefix, ASGI
worker class) reaches the container definition (a bad worker class is a case in cases.yaml)."""

from __future__ import annotations

import pytest

from tests.modules.ecs_service.test_ecs_service_plan import BASE, container
from tests.support import TerraformRoot

WRAPPER = ["python", "-c", "print('start')", "postgres", "sslmode=require"]
GUNICORN = [
    "gunicorn", "--bind", "0.0.0.0:8080", "--workers", "2", "--worker-tmp-dir", "/dev/shm",
    "--access-logfile", "-",
]  # fmt: skip


@pytest.fixture(scope="module")
def ecs(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/ecs-service").init()


def test_entry_point_replaces_the_image_one_and_asgi_gets_uvicorn_workers(ecs: TerraformRoot) -> None:
    plan = ecs.plan(
        {
            **BASE,
            "container_port": 8080,
            "entry_point": WRAPPER,
            "worker_class": "uvicorn_worker.UvicornWorker",
            "wsgi_application": "config.asgi:application",
        }
    )
    app = container(plan)
    assert app["entryPoint"] == WRAPPER
    assert app["command"] == [
        *GUNICORN, "--worker-class", "uvicorn_worker.UvicornWorker", "config.asgi:application"
    ]  # fmt: skip


def test_command_prefix_keeps_the_image_entry_point(ecs: TerraformRoot) -> None:
    plan = ecs.plan({**BASE, "container_port": 8080, "command_prefix": WRAPPER})
    app = container(plan)
    assert "entryPoint" not in app
    assert app["command"] == [*WRAPPER, *GUNICORN, "config.wsgi:application"]
