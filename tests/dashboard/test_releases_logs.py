"""The Releases page (history, rollback with a deliberate second click) and the Logs view,
over HTTP on the stand-in stack: the same operations as `zonke releases`, `zonke rollback`
and `zonke logs`."""

from __future__ import annotations

import time
from typing import Any

from tests.dashboard.helpers import csrf_of
from zonke_tf import ops
from zonke_tf.dashboard.app import Dashboard


def _deploy(stack: ops.Stack, image: str, log_group: str | None = None) -> str:
    """What the pipeline's Deploy step does: the latest revision with a new image, live."""
    ecs = stack.client("ecs")
    td = ecs.describe_task_definition(taskDefinition="shop-prod")["taskDefinition"]
    container = {**td["containerDefinitions"][0], "image": image}
    if log_group:
        container["logConfiguration"] = {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": log_group,
                "awslogs-region": "us-east-1",
                "awslogs-stream-prefix": "app",
            },
        }
    arn = ecs.register_task_definition(
        family="shop-prod",
        networkMode=td["networkMode"],
        requiresCompatibilities=td["requiresCompatibilities"],
        cpu=td["cpu"],
        memory=td["memory"],
        executionRoleArn=td["executionRoleArn"],
        containerDefinitions=[container],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster="shop-prod", service="shop-prod", taskDefinition=arn)
    return str(arn)


def test_releases_list_and_roll_back_after_a_confirmation(
    client: Any, stack: ops.Stack, dash: Dashboard
) -> None:
    first = stack.client("ecs").describe_task_definition(taskDefinition="shop-prod:1")["taskDefinition"]
    old_image = first["containerDefinitions"][0]["image"]
    _deploy(stack, old_image.rsplit(":", 1)[0] + ":c0ffee1")
    html = client.get("/releases").text
    assert "c0ffee1" in html and 'id="rollback-1"' in html and 'id="rollback-2"' not in html

    csrf = csrf_of(html)
    asked = client.post("/releases/rollback", data={"revision": "1", "csrf": csrf})
    assert asked.status_code == 200 and 'id="confirm-rollback"' in asked.text
    svc = stack.client("ecs").describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    assert svc["taskDefinition"].endswith(":2")  # nothing changed on the first click

    done = client.post(
        "/releases/rollback", data={"revision": "1", "confirm": "1", "csrf": csrf_of(asked.text)}
    )
    assert done.status_code == 303
    svc = stack.client("ecs").describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    live = stack.client("ecs").describe_task_definition(taskDefinition=svc["taskDefinition"])[
        "taskDefinition"
    ]
    assert live["revision"] == 3 and live["containerDefinitions"][0]["image"] == old_image
    page = client.get(done.headers["location"]).text
    assert "Rolling back to revision 1" in page and "(rollback to 1)" in page
    entry = dash.audit.last()[0]
    assert (entry.action, entry.detail) == ("rollback", "to revision 1")


def test_rollback_refusals_show_the_message(client: Any, stack: ops.Stack) -> None:
    csrf = csrf_of(client.get("/scaling").text)  # one live release: the page has no form
    r = client.post("/releases/rollback", data={"revision": "9", "confirm": "9", "csrf": csrf})
    assert r.status_code == 303
    assert "no release 9" in client.get(r.headers["location"]).text


def test_logs_view_shows_the_apps_lines_escaped_and_names_bad_input(client: Any, stack: ops.Stack) -> None:
    group = "/zonke/shop-prod/app"
    logs = stack.client("logs")
    logs.create_log_group(logGroupName=group)
    _deploy(stack, "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod:c0ffee1", log_group=group)
    logs.create_log_stream(logGroupName=group, logStreamName="app/django/t1")
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group,
        logStreamName="app/django/t1",
        logEvents=[
            {"timestamp": now - 2000, "message": "GET / 200"},
            {"timestamp": now, "message": "<b>ERROR</b> boom"},
        ],
    )
    html = client.get("/logs?source=web&since=15m").text
    assert "GET / 200" in html and "&lt;b&gt;ERROR&lt;/b&gt; boom" in html and "<b>ERROR</b>" not in html
    assert html.index("GET / 200") < html.index("boom")
    bad = client.get("/logs?since=soon")
    assert bad.status_code == 400 and "--since &#39;soon&#39;: give a number and a unit" in bad.text
