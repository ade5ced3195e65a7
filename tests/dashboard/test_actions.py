"""Dashboard actions over HTTP (no browser): each changes the emulator and zonke.toml
exactly as the CLI would, is audited, and never shows or logs a secret value."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from tests.dashboard.helpers import csrf_of, secret_json, toml, version_of
from tests.support.standin import add_schedule, add_worker, as_fresh_stack
from zonke_tf import ops
from zonke_tf.dashboard.app import Dashboard

PAGES = ["/", "/scaling", "/secrets", "/deploys", "/migrations", "/releases", "/logs", "/audit"]
SECRET = "sk_live_ThisMustNeverShow_42"


# --------------------------------------------------------------------------- actions


def test_scale_records_the_bounds_like_the_cli(client: Any, stack: ops.Stack, dash: Dashboard) -> None:
    csrf = csrf_of(client.get("/scaling").text)
    r = client.post("/scaling", data={"min": "2", "max": "6", "desired": "3", "csrf": csrf})
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "1..4 -&gt; 2..6" in page
    target = stack.client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")[
        "ScalableTargets"
    ][0]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 6)
    svc = stack.client("ecs").describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    assert svc["desiredCount"] == 3
    assert toml(dash.config_path)["compute"] | {"min": 2, "max": 6} == toml(dash.config_path)["compute"]
    assert "# The sample app's" in dash.config_path.read_text()  # comments kept, as the CLI keeps them
    entries = dash.audit.last()
    assert entries[0].action == "scale" and entries[0].detail == "min=2 max=6 desired=3"
    assert entries[0].who.startswith("arn:aws:")


def test_a_fresh_stack_shows_it_waits_for_its_first_build(client: Any, stack: ops.Stack) -> None:
    as_fresh_stack(stack)
    overview = client.get("/").text
    assert "Waiting for the first build" in overview and "zonke pipeline run" in overview
    scaling = client.get("/scaling").text
    # the target's 0..0 is no bound to offer (the form allows 1 to 100): the fields start empty
    assert "held at 0 tasks" in scaling and scaling.count('required value="">') == 2
    csrf = csrf_of(scaling)
    r = client.post("/scaling", data={"min": "2", "max": "5", "desired": "", "csrf": csrf})
    assert r.status_code == 303
    assert "the first deploy applies them" in client.get(r.headers["location"]).text
    target = stack.client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")[
        "ScalableTargets"
    ][0]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (0, 0)


def test_the_overview_lists_each_worker_with_its_count_and_bounds(client: Any, stack: ops.Stack) -> None:
    assert 'id="wk"' not in client.get("/").text, "no Workers card without workers"
    add_worker(stack, "celery", desired=2, bounds=(1, 3))
    overview = client.get("/live/overview").text
    row = overview[overview.index('id="worker-celery"') :].split("</tr>", 1)[0]
    assert "<td>2</td>" in row and "1 to 3" in row, row


def test_the_overview_lists_each_scheduled_job_with_its_next_run(client: Any, stack: ops.Stack) -> None:
    assert "Scheduled jobs" not in client.get("/live/overview").text
    add_schedule(stack, "nightly", "cron(0 3 * * ? *)")
    add_schedule(stack, "sweep", "rate(15 minutes)", state="DISABLED")
    overview = client.get("/live/overview").text
    nightly = overview[overview.index('id="schedule-nightly"') :].split("</tr>", 1)[0]
    assert "<code>cron(0 3 * * ? *)</code> UTC" in nightly and " 03:00</td>" in nightly, nightly
    assert "none in the last hour" in nightly
    sweep = overview[overview.index('id="schedule-sweep"') :].split("</tr>", 1)[0]
    assert "disabled until the first deploy" in sweep, sweep


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"min": "5", "max": "2"}, "--min 5 is above --max 2: min must be &lt;= max"),
        ({"min": "0", "max": "2"}, "--min 0 is out of range: allowed 1 to 100"),
        ({"min": "1", "max": "4", "desired": "9"}, "--desired 9 is outside --min 1 .. --max 4"),
        ({"min": "one", "max": "4"}, "--min &#39;one&#39; is not a whole number"),
    ],
)
def test_bad_bounds_show_the_cli_message_and_change_nothing(
    client: Any, stack: ops.Stack, dash: Dashboard, form: dict[str, str], message: str
) -> None:
    before = dash.config_path.read_text()
    csrf = csrf_of(client.get("/scaling").text)
    r = client.post("/scaling", data={"desired": "", **form, "csrf": csrf})
    assert r.status_code == 400
    assert message in r.text
    target = stack.client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")[
        "ScalableTargets"
    ][0]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 4)
    assert dash.config_path.read_text() == before


def test_secret_add_update_reveal_delete(
    client: Any, stack: ops.Stack, dash: Dashboard, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # what a server log holds (botocore's DEBUG wire dumps are off)
    caplog.set_level(logging.DEBUG, logger="zonke")
    sm = stack.client("secretsmanager")
    arn = stack.out("secret_arn")
    seen: list[str] = []

    def get(path: str) -> str:
        text = str(client.get(path).text)
        seen.append(text)
        return text

    html = get("/secrets")
    r = client.post(
        "/secrets",
        data={"name": "STRIPE_KEY", "value": SECRET, "version": version_of(html), "csrf": csrf_of(html)},
    )
    assert r.status_code == 303
    html = get("/secrets")
    assert "STRIPE_KEY created" in html and "Declared in zonke.toml" in html
    assert secret_json(sm, arn)["STRIPE_KEY"] == SECRET
    assert toml(dash.config_path)["secrets"]["keys"] == ["STRIPE_KEY"]

    # update
    r = client.post(
        "/secrets",
        data={
            "name": "STRIPE_KEY",
            "value": SECRET + "2",
            "version": version_of(html),
            "csrf": csrf_of(html),
        },
    )
    assert r.status_code == 303
    html = get("/secrets")
    assert "STRIPE_KEY updated" in html
    assert secret_json(sm, arn)["STRIPE_KEY"] == SECRET + "2"

    # every page so far, and the live parts, without the value
    for path in [*PAGES, "/live/overview", "/live/rollout"]:
        get(path)
    assert not [t for t in seen if SECRET in t]

    # reveal is a deliberate POST, audited
    r = client.post("/secrets/STRIPE_KEY/reveal", data={"csrf": csrf_of(html)})
    assert r.status_code == 200 and SECRET + "2" in r.text
    assert dash.audit.last()[0].action == "secret reveal"

    # delete asks first, then deletes
    html = get("/secrets")
    r = client.post("/secrets/STRIPE_KEY/delete", data={"csrf": csrf_of(html), "version": version_of(html)})
    assert r.status_code == 200 and "Yes, delete STRIPE_KEY" in r.text
    assert "STRIPE_KEY" in secret_json(sm, arn)
    r = client.post(
        "/secrets/STRIPE_KEY/delete",
        data={"csrf": csrf_of(html), "version": version_of(r.text), "confirm": "STRIPE_KEY"},
    )
    assert r.status_code == 303
    assert "STRIPE_KEY" not in secret_json(sm, arn)
    assert toml(dash.config_path)["secrets"]["keys"] == []

    actions = [e.action for e in reversed(dash.audit.last())]
    assert actions == ["secret set", "secret set", "secret reveal", "secret delete"]
    assert SECRET not in dash.audit.path.read_text()
    assert not [rec for rec in caplog.records if SECRET in rec.getMessage()]
    assert [rec for rec in caplog.records if rec.name == "zonke.dashboard"]  # the log was captured


def test_a_change_by_someone_else_is_a_conflict_not_an_overwrite(client: Any, stack: ops.Stack) -> None:
    html = client.get("/secrets").text  # the page is opened ...
    ops.secrets_set(stack, "OTHER", "theirs", roll=False)  # ... someone else changes the secret ...
    r = client.post(
        "/secrets",
        data={
            "name": "DJANGO_SECRET_KEY",
            "value": "mine",
            "version": version_of(html),
            "csrf": csrf_of(html),
        },
    )
    assert r.status_code == 409
    assert "changed by someone else since you opened this page" in r.text
    assert ops.secrets_get(stack, "DJANGO_SECRET_KEY") == "k0"
    assert ops.secrets_get(stack, "OTHER") == "theirs"


def test_bad_secret_name_gets_the_ops_message(client: Any, stack: ops.Stack) -> None:
    html = client.get("/secrets").text
    r = client.post(
        "/secrets",
        data={"name": "DB_PASSWORD", "value": "x", "version": version_of(html), "csrf": csrf_of(html)},
    )
    assert r.status_code == 400
    assert "DB_PASSWORD comes from the database&#39;s own secret" in r.text
    assert ops.secrets_list(stack) == ["DJANGO_SECRET_KEY"]


def test_start_a_deploy_and_a_migration_and_follow_them(sfn_runs: None, client: Any, dash: Dashboard) -> None:
    # sfn_runs first: the stand-in runner must be created where executions run
    csrf = csrf_of(client.get("/deploys").text)
    r = client.post("/deploys", data={"csrf": csrf})
    assert r.status_code == 303 and r.headers["location"].startswith("/deploys/")
    run_id = r.headers["location"].rsplit("/", 1)[-1]
    page = client.get(r.headers["location"]).text
    assert "Pipeline started." in page and 'data-poll="/live/deploys/' in page
    live = client.get(f"/live/deploys/{run_id}").text
    assert "Status:" in live
    assert run_id in client.get("/deploys").text

    csrf = csrf_of(client.get("/migrations").text)
    r = client.post("/migrations", data={"csrf": csrf})
    assert r.status_code == 303 and r.headers["location"].startswith("/migrations/")
    name = r.headers["location"].rsplit("/", 1)[-1]
    for _ in range(60):
        live = client.get(f"/live/migrations/{name}").text
        if "data-final" in live:
            break
        time.sleep(0.5)
    assert "SUCCEEDED" in live and '<strong id="exit-code">0</strong>' in live
    actions = [e.action for e in dash.audit.last()]
    assert actions[:2] == ["migrate", "pipeline run"]
    assert "SUCCEEDED" in client.get("/").text


def test_ids_in_urls_are_checked(client: Any) -> None:
    assert client.get("/live/migrations/..%2f..%2fetc").status_code in (404, 502)
    assert client.get("/deploys/not_an_id!").status_code == 502


@pytest.mark.parametrize("outcome", ["done", "failed"])
def test_a_new_key_has_terraform_register_its_task_definitions_behind_the_page(
    client: Any, dash: Dashboard, monkeypatch: pytest.MonkeyPatch, outcome: str
) -> None:
    from zonke_tf.dashboard import app as app_module
    from zonke_tf.errors import TerraformError

    calls: list[tuple[Any, Any, Any]] = []

    def register(ws: Any, path: Any, env: Any) -> list[str]:
        calls.append((ws, path, env))
        assert toml(path)["secrets"]["keys"] == ["NEW_KEY"]  # recorded before Terraform runs
        if outcome == "failed":
            raise TerraformError("terraform apply failed", ["state locked"])
        return ["module.service.aws_ecs_task_definition.this"]

    monkeypatch.setattr(app_module, "register_task_definitions", register)
    dash.workspace = lambda: "the workspace"
    html = client.get("/secrets").text
    assert 'id="sync"' not in html  # nothing to follow yet
    r = client.post(
        "/secrets", data={"name": "NEW_KEY", "value": "v", "version": version_of(html), "csrf": csrf_of(html)}
    )
    assert r.status_code == 303
    for _ in range(100):
        live = client.get("/live/sync").text
        if "data-final" in live:
            break
        time.sleep(0.1)
    assert calls == [("the workspace", dash.config_path, None)]
    if outcome == "done":
        assert "Terraform done" in live and "next <code>zonke plan</code> shows no changes" in live
    else:
        assert "Terraform failed" in live and "run <code>zonke apply</code>" in live
    assert 'id="sync"' in client.get("/secrets").text
    assert dash.audit.last()[0].action == "task definitions"
    # an update keeps the key set: Terraform is not run again
    html = client.get("/secrets").text
    client.post(
        "/secrets",
        data={"name": "NEW_KEY", "value": "v2", "version": version_of(html), "csrf": csrf_of(html)},
    )
    assert len(calls) == 1
