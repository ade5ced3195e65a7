"""The sample app's Celery worker, for real: `celery -A mysite worker` with the broker part of
the environment contract (as modules/sqs-broker sets it, the queue in the emulator's SQS)
and the database part (a local PostgreSQL 15 with TLS, verify-full), takes a task the app
sent and writes its row; SIGTERM stops it cleanly (what ECS sends before stopTimeout).

What differs from the stack: the broker URL names the emulator's address (`sqs://host:port`,
where the stack says `sqs://` for AWS's endpoint); the credentials are the emulator's."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support import REPO_ROOT
from tests.support.postgres import postgres_server
from zonke_emulator import DUMMY_CREDENTIALS, Emulator

pytestmark = pytest.mark.apply

APP = REPO_ROOT / "examples" / "django-monolith" / "app"
TEXT = "hello from the queue"


def _manage(app: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=app, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_real_worker_takes_the_task_from_sqs_and_writes_the_row(
    emulator: Emulator, aws: Any, tmp_path: Path
) -> None:
    sqs = aws.client("sqs")
    queue_url = sqs.create_queue(QueueName="shop-prod_celery", Attributes={"VisibilityTimeout": "1800"})[
        "QueueUrl"
    ]
    endpoint = urlsplit(emulator.url)
    app = tmp_path / "app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("__pycache__", "staticfiles", "db.sqlite3"))
    with postgres_server() as pg:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            **DUMMY_CREDENTIALS,
            # the web and worker containers' contract, with the broker's part
            "DJANGO_ALLOWED_HOSTS": "shop.example.com",
            "DJANGO_SECRET_KEY": "a-test-key-of-enough-length-for-django-0123456789",
            "DB_HOST": pg.host,
            "DB_PORT": str(pg.port),
            "DB_NAME": pg.dbname,
            "DB_USER": pg.user,
            "DB_PASSWORD": pg.password,
            "DB_SSLMODE": "verify-full",
            "DB_SSLROOTCERT": pg.ca_file,
            "CELERY_BROKER_URL": f"sqs://{endpoint.hostname}:{endpoint.port}",
            "CELERY_SQS_QUEUES": json.dumps({"celery": queue_url}),
            "CELERY_TASK_DEFAULT_QUEUE": "celery",
            "CELERY_SQS_VISIBILITY_TIMEOUT": "1800",
            "AWS_REGION": "us-east-1",
        }
        migrated = _manage(app, env, "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        log = (tmp_path / "worker.log").open("w")
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "mysite",
                "worker",
                "--loglevel",
                "INFO",
                "--pool",
                "solo",
            ],
            cwd=app,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            sent = _manage(
                app,
                env,
                "shell",
                "-c",
                f"from jobs.tasks import record_ping; record_ping.delay({TEXT!r})",
            )
            assert sent.returncode == 0, sent.stderr[-3000:]
            deadline, count = time.monotonic() + 90, "0"
            while time.monotonic() < deadline and worker.poll() is None:
                done = _manage(
                    app,
                    env,
                    "shell",
                    "-c",
                    f"from jobs.models import Ping; print(Ping.objects.filter(text={TEXT!r}).count())",
                )
                count = (done.stdout.strip().splitlines() or [""])[-1]  # after Django 5.2 shell's import note
                if count == "1":
                    break
                time.sleep(2)
            text = (tmp_path / "worker.log").read_text()
            assert count == "1", f"the worker did not write the row; its log:\n{text[-4000:]}"
            assert "jobs.tasks.record_ping" in text and "succeeded" in text, text[-4000:]
            # the message is gone from the queue (acknowledged after the task ran)
            attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
            assert attributes["ApproximateNumberOfMessages"] == "0", attributes
        finally:
            worker.send_signal(signal.SIGTERM)  # what ECS sends; then SIGKILL after stopTimeout
            try:
                code = worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                code = worker.wait()
            log.close()
        assert code == 0, (tmp_path / "worker.log").read_text()[-4000:]
