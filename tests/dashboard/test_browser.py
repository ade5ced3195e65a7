"""The dashboard in headless Chromium (Debian's package) over a stand-in stack in the
emulator: a person's clicks and typing, checked in the emulator with boto3 and in zonke.toml.
Screenshots of each page go to the test's tmp folder (``screenshots/``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.browser import chromium, live_server, wait_for
from tests.dashboard.conftest import make_dashboard
from tests.dashboard.helpers import secret_json, toml
from zonke_tf import ops
from zonke_tf.dashboard.server import free_port

SECRET = "sk_live_BrowserNeverSees_77"


@pytest.fixture
def browser() -> Any:
    driver = chromium()
    yield driver
    driver.quit()


def test_a_person_scales_manages_secrets_deploys_and_migrates(
    sfn_runs: None, stack: ops.Stack, tmp_path: Path, browser: Any
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    dash = make_dashboard(stack, tmp_path, port=free_port())
    shots = tmp_path / "screenshots"
    shots.mkdir()
    sources: list[str] = []

    def shot(name: str) -> None:
        sources.append(browser.page_source)
        browser.save_screenshot(str(shots / f"{name}.png"))

    with live_server(dash) as log:
        # without the token: refused
        browser.get(dash.guard.origin + "/")
        assert "refused" in browser.page_source
        browser.get(dash.guard.launch_url)
        wait_for(browser, "h1", "Overview")
        assert browser.current_url == dash.guard.origin + "/"  # the token left the address bar
        shot("overview")

        # scaling, by keyboard
        browser.find_element(By.LINK_TEXT, "Scaling").click()
        wait_for(browser, "h1", "Scaling")
        for field, value in (("min", "2"), ("max", "5")):
            box = browser.find_element(By.ID, field)
            box.clear()
            box.send_keys(value)
        browser.find_element(By.ID, "max").send_keys(Keys.ENTER)
        wait_for(browser, ".flash.good", "1..4 -> 2..5")
        shot("scaling")
        target = stack.client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")[
            "ScalableTargets"
        ][0]
        assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 5)
        assert toml(dash.config_path)["compute"]["min"] == 2 and toml(dash.config_path)["compute"]["max"] == 5

        # a bad bound: the CLI's message, nothing changed
        box = browser.find_element(By.ID, "min")
        box.clear()
        box.send_keys("9")
        browser.find_element(By.CSS_SELECTOR, "form[action='/scaling'] button").click()
        wait_for(browser, "#error", "--min 9 is above --max 5")

        # add a secret
        browser.find_element(By.LINK_TEXT, "Secrets").click()
        browser.find_element(By.ID, "new-name").send_keys("STRIPE_KEY")
        browser.find_element(By.ID, "new-value").send_keys(SECRET)
        browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
        wait_for(browser, ".flash.good", "STRIPE_KEY created")
        wait_for(browser, "[data-poll] p", "Rollout:")
        shot("secrets")
        arn = stack.out("secret_arn")
        assert secret_json(stack.client("secretsmanager"), arn)["STRIPE_KEY"] == SECRET
        assert toml(dash.config_path)["secrets"]["keys"] == ["STRIPE_KEY"]

        # update it
        browser.find_element(By.ID, "update-STRIPE_KEY").send_keys(SECRET + "v2", Keys.ENTER)
        wait_for(browser, ".flash.good", "STRIPE_KEY updated")
        assert secret_json(stack.client("secretsmanager"), arn)["STRIPE_KEY"] == SECRET + "v2"
        sources.append(browser.page_source)

        # delete it, after the confirmation
        browser.find_element(By.CSS_SELECTOR, "button[aria-label='Delete STRIPE_KEY']").click()
        wait_for(browser, "#confirm-delete").click()
        wait_for(browser, ".flash.good", "STRIPE_KEY deleted")
        assert "STRIPE_KEY" not in secret_json(stack.client("secretsmanager"), arn)
        assert toml(dash.config_path)["secrets"]["keys"] == []

        # start a deploy and watch it end
        browser.find_element(By.LINK_TEXT, "Deploys").click()
        browser.find_element(By.ID, "start-deploy").click()
        wait_for(browser, "#run-status", "Succeeded")
        shot("deploy")
        runs = stack.client("codepipeline").list_pipeline_executions(pipelineName="shop-prod")
        assert len(runs["pipelineExecutionSummaries"]) == 1

        # run the migrations and watch the exit code arrive (live, without reloading)
        browser.find_element(By.LINK_TEXT, "Migrations").click()
        browser.find_element(By.ID, "start-migration").click()
        wait_for(browser, "#run-status", "SUCCEEDED")
        wait_for(browser, "#exit-code", "0")
        shot("migration")
        execs = stack.client("stepfunctions").list_executions(
            stateMachineArn=stack.out("migration_state_machine_arn")
        )["executions"]
        assert [e["status"] for e in execs] == ["SUCCEEDED"]

        browser.find_element(By.LINK_TEXT, "Audit").click()
        rows = wait_for(browser, "table.audit").text
        for action in ("scale", "secret set", "secret delete", "pipeline run", "migrate"):
            assert action in rows
        shot("audit")

        # phone width: the navigation and the forms stay usable
        browser.set_window_size(390, 844)
        browser.find_element(By.LINK_TEXT, "Secrets").click()
        assert browser.find_element(By.ID, "new-name").is_displayed()
        shot("secrets-phone")
        server_log = log.getvalue()

    assert "GET /secrets 200" in server_log  # the log was captured
    for text in [*sources, server_log, dash.audit.path.read_text()]:
        assert SECRET not in text
    assert dash.guard.token not in server_log
    assert sorted(p.name for p in shots.iterdir()) == sorted(
        f"{n}.png"
        for n in ("overview", "scaling", "secrets", "deploy", "migration", "audit", "secrets-phone")
    )
