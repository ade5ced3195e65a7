"""The dashboard's guard over HTTP (no browser): no session, a foreign Host, a POST
without the CSRF token or from another origin are refused; pages carry a strict policy.
One stand-in stack serves the whole module: nothing here may change it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.conftest import make_dashboard
from tests.dashboard.helpers import csrf_of
from zonke_tf import ops
from zonke_tf.dashboard.app import Dashboard
from zonke_tf.dashboard.security import CSP

PAGES = ["/", "/scaling", "/secrets", "/deploys", "/migrations", "/releases", "/logs", "/audit"]


@pytest.fixture
def dash(shared_stack: ops.Stack, tmp_path: Path) -> Dashboard:
    return make_dashboard(shared_stack, tmp_path)


@pytest.fixture
def stack(shared_stack: ops.Stack) -> ops.Stack:
    return shared_stack


# --------------------------------------------------------------------------- the guard


@pytest.mark.parametrize("path", [*PAGES, "/live/overview"])
def test_no_session_is_refused(anon: Any, path: str) -> None:
    r = anon.get(path)
    assert r.status_code == 401
    assert "zonke dashboard" in r.text


def test_wrong_token_is_refused_and_sets_no_cookie(anon: Any) -> None:
    r = anon.get("/login?token=guess")
    assert r.status_code == 401
    assert "set-cookie" not in r.headers
    assert anon.get("/").status_code == 401


def test_login_exchanges_the_token_for_a_strict_httponly_cookie(anon: Any, dash: Dashboard) -> None:
    r = anon.get(f"/login?token={dash.guard.token}")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert dash.guard.token not in cookie
    assert anon.get("/").status_code == 200


def test_a_forged_cookie_is_refused(anon: Any) -> None:
    anon.cookies.set("zonke_session", "made-up")
    assert anon.get("/").status_code == 401


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "localhost:8765", "127.0.0.1:1"])
def test_a_foreign_host_header_is_refused_even_with_a_session(client: Any, host: str) -> None:
    r = client.get("/", headers={"Host": host})
    assert r.status_code == 421
    assert "Overview" not in r.text


def test_post_without_csrf_changes_nothing(client: Any, stack: ops.Stack, dash: Dashboard) -> None:
    before = dash.config_path.read_text()
    r = client.post("/scaling", data={"min": "2", "max": "5"})
    assert r.status_code == 403
    r = client.post("/secrets", data={"name": "NEW_KEY", "value": "v", "csrf": "wrong"})
    assert r.status_code == 403
    assert ops.secrets_list(stack) == ["DJANGO_SECRET_KEY"]
    aas = stack.client("application-autoscaling")
    target = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 4)
    assert dash.config_path.read_text() == before


def test_post_from_another_origin_is_refused(client: Any) -> None:
    csrf = csrf_of(client.get("/scaling").text)
    r = client.post(
        "/scaling", data={"min": "2", "max": "5", "csrf": csrf}, headers={"Origin": "http://evil.example"}
    )
    assert r.status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_a_strict_policy(client: Any, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-frame-options"] == "DENY"
    assert "<script>" not in r.text and " style=" not in r.text  # nothing inline for the CSP to block
    assert "http://" not in r.text.replace("http://127.0.0.1", "")  # no third-party assets


def test_static_assets_are_local_and_small(client: Any) -> None:
    sizes = [len(client.get(p).content) for p in ("/static/app.css", "/static/app.js")]
    assert all(sizes) and sum(sizes) < 20_000
