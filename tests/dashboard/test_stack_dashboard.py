"""`zonke dashboard --local` over the example stack deployed with `zonke deploy --local`
(one deployment for the whole module), in Debian's headless Chromium: every page loads; a
person scales, adds, updates and deletes a secret, starts a deploy and a migration and
watches each end; the effects are checked with boto3 and in zonke.toml, and the next
`zonke plan` shows no changes (also after a new secret key). The real server process is
probed for the guard (no cookie, no CSRF, foreign Host) and its log grepped for the value.
Screenshots of each page: ``<tmp>/screenshots``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.dashboard.browser import chromium, wait_for
from tests.dashboard.helpers import secret_json, toml
from tests.support import REPO_ROOT, TerraformEnv
from tests.support.wrapper import zonke_env
from zonke_tf.dashboard.server import free_port
from zonke_tf.local import LocalEmulator

pytestmark = [pytest.mark.apply, pytest.mark.xdist_group("dashboard-stack")]

SECRET = "sk_live_FullStackNeverShows_91"


def _run_zonke(
    project: Path, env: dict[str, str], *args: str, timeout: float = 1800
) -> subprocess.CompletedProcess[str]:
    """`zonke ARGS` in the project, its output captured (the caller judges the exit code)."""
    return subprocess.run(
        [sys.executable, "-m", "zonke_tf", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Live:
    project: Path
    env: dict[str, str]
    url: str  # the launch URL the command printed
    origin: str
    session: Any
    endpoint: str
    log: Path
    shots: Path

    def zonke(self, *args: str) -> subprocess.CompletedProcess[str]:
        proc = _run_zonke(self.project, self.env, *args, timeout=1500)
        assert proc.returncode == 0, (
            f"zonke {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-4000:]}"
        )
        return proc

    def client(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.endpoint)

    def no_changes(self) -> None:
        plan = json.loads(self.zonke("plan", "--local", "--json").stdout)
        assert plan["ok"] and not any(plan["changes"].get(k) for k in ("add", "change", "remove")), plan[
            "resources"
        ]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, tf_env: TerraformEnv) -> Iterator[Live]:
    project = tmp_path_factory.mktemp("shop")
    shutil.copy(REPO_ROOT / "examples" / "django-monolith" / "zonke.toml", project / "zonke.toml")
    env = zonke_env(tf_env, sources=None)
    emulator = LocalEmulator(project)
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t", region_name="us-east-1")
    server: subprocess.Popen[str] | None = None
    log = project / "dashboard.log"
    try:
        deploy = _run_zonke(project, env, "deploy", "--local")
        assert deploy.returncode == 0, deploy.stderr[-4000:]
        endpoint = emulator.running_url()
        assert endpoint
        # A fresh stack waits for its first image (0 tasks, bounds 0..0). The page is tried
        # on a running service: an image pushed by hand under the tag the service starts
        # with, and the next apply gives the service zonke.toml's bounds (ops.app_image_exists).
        ecr = session.client("ecr", endpoint_url=endpoint)
        repository = ecr.describe_repositories()["repositories"][0]["repositoryName"]
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 2,
                "digest": "sha256:" + "0" * 64,
            },
            "layers": [],
        }
        ecr.put_image(repositoryName=repository, imageManifest=json.dumps(manifest), imageTag="bootstrap")
        applied = _run_zonke(project, env, "apply", "--local", "--yes")
        assert applied.returncode == 0, applied.stderr[-4000:]
        port = free_port()
        with log.open("w") as err:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "zonke_tf",
                    "dashboard",
                    "--local",
                    "--no-browser",
                    "--port",
                    str(port),
                ],
                cwd=project,
                env=env,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
        assert server.stdout is not None
        line = server.stdout.readline()
        assert "http://127.0.0.1:" in line, f"no URL printed: {line!r}; log: {log.read_text()[-2000:]}"
        url = line.strip().rsplit(" ", 1)[-1]
        shots = project / "screenshots"
        shots.mkdir()
        yield Live(project, env, url, f"http://127.0.0.1:{port}", session, endpoint, log, shots)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        done = _run_zonke(project, env, "destroy", "--local")
        emulator.stop()
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def _status(origin: str, path: str, headers: dict[str, str] | None = None, data: bytes | None = None) -> int:
    req = urllib.request.Request(origin + path, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_the_real_server_refuses_what_it_must(live: Live) -> None:
    assert _status(live.origin, "/") == 401  # no cookie
    assert _status(live.origin, "/login?token=wrong") == 401
    # a DNS-rebinding page would send its own name
    assert _status(live.origin, live.url.removeprefix(live.origin), {"Host": "evil.example"}) == 421
    # a valid session, but a POST without the CSRF token
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with opener.open(live.url, timeout=30) as resp:
        assert resp.status == 200
    req = urllib.request.Request(live.origin + "/scaling", data=b"min=2&max=3", method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(req, timeout=30)
    assert refused.value.code == 403
    assert toml(live.project / "zonke.toml")["compute"]["max"] == 4


def test_a_person_runs_the_app_from_the_browser(live: Live) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser = chromium()
    browser.set_page_load_timeout(300)  # a loaded machine; no request waits for Terraform
    sources: list[str] = []

    def shot(name: str) -> None:
        sources.append(browser.page_source)
        browser.save_screenshot(str(live.shots / f"{name}.png"))

    try:
        browser.get(live.url)
        wait_for(browser, "h1", "Overview")
        wait_for(browser, "#bounds", "1 to 4 tasks")
        shot("overview")
        for link in ("Scaling", "Secrets", "Deploys", "Migrations", "Audit"):
            browser.find_element(By.LINK_TEXT, link).click()
            wait_for(browser, "h1")
            shot(link.lower())

        # scale
        browser.find_element(By.LINK_TEXT, "Scaling").click()
        for field, value in (("min", "2"), ("max", "6"), ("desired", "3")):
            box = browser.find_element(By.ID, field)
            box.clear()
            box.send_keys(value)
        browser.find_element(By.ID, "desired").send_keys(Keys.ENTER)
        wait_for(browser, ".flash.good", "1..4 -> 2..6; desired count 3")
        target = live.client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")[
            "ScalableTargets"
        ][0]
        assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 6)
        compute = toml(live.project / "zonke.toml")["compute"]
        assert (compute["min"], compute["max"]) == (2, 6)
        live.no_changes()

        # add a new key: the next plan shows no changes
        browser.find_element(By.LINK_TEXT, "Secrets").click()
        browser.find_element(By.ID, "new-name").send_keys("STRIPE_KEY")
        browser.find_element(By.ID, "new-value").send_keys(SECRET, Keys.ENTER)
        wait_for(browser, ".flash.good", "STRIPE_KEY created", timeout=300)
        shot("secret-added")
        wait_for(browser, "#sync", "Terraform done", timeout=900)  # followed live on the page
        outputs = json.loads(live.zonke("output", "--local", "--json").stdout)["outputs"]
        arn = outputs["secret_arn"]
        assert secret_json(live.client("secretsmanager"), arn)["STRIPE_KEY"] == SECRET
        assert toml(live.project / "zonke.toml")["secrets"]["keys"] == ["STRIPE_KEY"]
        ecs = live.client("ecs")
        svc = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
        td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
        assert "STRIPE_KEY" in {s["name"] for s in td["containerDefinitions"][0]["secrets"]}
        live.no_changes()

        # update, then delete after the confirmation
        browser.find_element(By.ID, "update-STRIPE_KEY").send_keys(SECRET + "v2", Keys.ENTER)
        wait_for(browser, ".flash.good", "STRIPE_KEY updated", timeout=300)
        assert secret_json(live.client("secretsmanager"), arn)["STRIPE_KEY"] == SECRET + "v2"
        sources.append(browser.page_source)
        browser.find_element(By.CSS_SELECTOR, "button[aria-label='Delete STRIPE_KEY']").click()
        wait_for(browser, "#confirm-delete").click()
        wait_for(browser, ".flash.good", "STRIPE_KEY deleted", timeout=300)
        wait_for(browser, "#sync", "Terraform done", timeout=900)
        assert "STRIPE_KEY" not in secret_json(live.client("secretsmanager"), arn)
        assert toml(live.project / "zonke.toml")["secrets"]["keys"] == []
        live.no_changes()

        # a deploy, followed to its end
        browser.find_element(By.LINK_TEXT, "Deploys").click()
        browser.find_element(By.ID, "start-deploy").click()
        wait_for(browser, "#run-status", "Succeeded")
        shot("deploy-run")

        # a migration: the emulator does not run the runner's ECS integration, so the test
        # ends the execution (as a stopped task would) and the page must follow it live
        browser.find_element(By.LINK_TEXT, "Migrations").click()
        browser.find_element(By.ID, "start-migration").click()
        wait_for(browser, "#run-status", "RUNNING")
        sfn = live.client("stepfunctions")
        runs = sfn.list_executions(stateMachineArn=outputs["migration_state_machine_arn"])["executions"]
        assert len(runs) == 1
        sfn.stop_execution(
            executionArn=runs[0]["executionArn"], error="Migration.Stopped", cause="ended by the test"
        )
        wait_for(browser, "#run-status", "ABORTED")
        shot("migration-run")
        live.no_changes()

        browser.find_element(By.LINK_TEXT, "Audit").click()
        audit = wait_for(browser, "table.audit").text
        for action in ("scale", "secret set", "secret delete", "pipeline run", "migrate"):
            assert action in audit
        shot("audit-after")
    finally:
        browser.quit()
    server_log = live.log.read_text()
    assert "POST /secrets 303" in server_log
    for text in [*sources, server_log]:
        assert SECRET not in text
    assert live.url.rsplit("=", 1)[-1] not in server_log
