"""The Zonké dashboard: a server-rendered web app over the day-2 operations of
:mod:`zonke_tf.ops`. Every action calls the same functions as the CLI, and records its change
in ``zonke.toml`` through the same functions (:mod:`zonke_tf.config_edit`).

Pages: overview, scaling, secrets, deploys, migrations, audit. Live parts are fragments the
page's small script re-fetches; without JavaScript a reload shows the same.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from zonke_tf import ops, ops_tasks
from zonke_tf.config import load_config
from zonke_tf.config_edit import record_scaling, record_secret_keys
from zonke_tf.dashboard.audit import AuditLog
from zonke_tf.dashboard.security import Guard, GuardMiddleware, Session
from zonke_tf.day2 import register_task_definitions
from zonke_tf.engine import Workspace
from zonke_tf.errors import ConfigError, OperationError, TerraformError, UsageError, ZonkeError

HERE = Path(__file__).parent
_EXECUTION_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")
_PIPELINE_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
FINAL_PIPELINE = frozenset({"Succeeded", "Failed", "Stopped", "Superseded", "Cancelled"})


@dataclass
class SyncJob:
    """Terraform registering its task definitions after a key-set change: minutes, so it runs
    behind the page (one at a time, each from the config as it is then) and the page follows it."""

    state: str = "idle"  # idle, running, done, failed
    detail: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


@dataclass
class Dashboard:
    """What one dashboard process serves: a stack, its config file, the guard and the audit log."""

    stack: ops.Stack
    config_path: Path
    env: str | None
    guard: Guard
    audit: AuditLog
    local: bool = False
    # The stack's Terraform workspace, for registering the task definitions after a key-set
    # change (zonke_tf.day2); None over a stand-in stack without Terraform (the HTTP tests).
    workspace: Callable[[], Workspace] | None = None
    _who: str | None = field(default=None, repr=False)
    sync: SyncJob = field(default_factory=lambda: SyncJob())

    @property
    def title(self) -> str:
        """The app and environment, as zonke.toml names them (``shop-prod``)."""
        try:
            return load_config(self.config_path, env=self.env).prefix
        except ConfigError:
            return self.config_path.parent.name

    @property
    def who(self) -> str:
        """The AWS caller identity that every change is made as (read once)."""
        if self._who is None:
            try:
                self._who = str(self.stack.client("sts").get_caller_identity()["Arn"])
            except Exception:  # an account without STS access still gets an audit line
                self._who = "unknown caller"
        return self._who


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["status_class"] = status_class
    return env


def status_class(value: Any) -> str:
    """A colour class for a status word; the word itself is always shown beside it."""
    text = str(value or "").upper()
    if text in ("SUCCEEDED", "COMPLETED", "ACTIVE", "OK", "0", "LIVE"):
        return "good"
    if text in ("FAILED", "STOPPED", "ABORTED", "TIMED_OUT", "CANCELLED", "ERROR"):
        return "bad"
    if text in ("INPROGRESS", "IN_PROGRESS", "RUNNING", "PENDING", "STOPPING"):
        return "busy"
    return "neutral"


def create_app(dash: Dashboard) -> Starlette:
    jinja = _templates()

    def session(request: Request) -> Session:
        found = dash.guard.session(request)
        assert found is not None  # the guard refused requests without one
        return found

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        sess = session(request)
        flashes, sess.flashes = sess.flashes, []
        body = jinja.get_template(name).render(
            request=request,
            csrf=sess.csrf,
            flashes=flashes,
            app=dash.title,
            local=dash.local,
            who=dash.who,
            config_name=dash.config_path.name,
            **context,
        )
        return HTMLResponse(body, status_code=status_code)

    def fragment(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(jinja.get_template(name).render(**context))

    def back(request: Request, url: str, kind: str, text: str) -> Response:
        session(request).flashes.append((kind, text))
        return RedirectResponse(url, status_code=303)

    def start_sync() -> None:
        """Terraform registers its task definitions with the recorded key set (zonke_tf.day2),
        in the background; without a workspace (a stand-in stack) there is nothing to register."""
        if dash.workspace is None:
            return
        make_workspace = dash.workspace
        dash.sync.state, dash.sync.detail = "running", ""

        def run() -> None:
            with dash.sync.lock:
                try:
                    applied = register_task_definitions(make_workspace(), dash.config_path, dash.env)
                except ZonkeError as exc:
                    # Audited before the page can see the outcome.
                    dash.audit.write(dash.who, "task definitions", "register", outcome=f"failed: {exc}")
                    dash.sync.state, dash.sync.detail = "failed", str(exc)
                    return
                dash.audit.write(dash.who, "task definitions", "register")
                dash.sync.state, dash.sync.detail = "done", ", ".join(applied)

        threading.Thread(target=run, daemon=True).start()

    def audited(action: str, detail: str, run: Callable[[], Any]) -> Any:
        try:
            result = run()
        except Exception as exc:
            dash.audit.write(dash.who, action, detail, outcome=f"refused: {type(exc).__name__}")
            raise
        dash.audit.write(dash.who, action, detail)
        return result

    # ------------------------------------------------------------------ overview

    def overview(request: Request) -> HTMLResponse:
        return page(request, "overview.html", **_overview(dash.stack))

    def overview_live(request: Request) -> HTMLResponse:
        return fragment("_overview_live.html", **_overview(dash.stack))

    # ------------------------------------------------------------------ scaling

    def scaling(request: Request) -> HTMLResponse:
        st = ops.status(dash.stack, ("service", "scaling"))
        return page(request, "scaling.html", st=st, form={}, error=None)

    async def scaling_post(request: Request) -> Response:
        form = await request.form()
        values: dict[str, str] = {k: str(form.get(k, "")).strip() for k in ("min", "max", "desired")}
        try:
            minimum, maximum = _int(values["min"], "--min"), _int(values["max"], "--max")
            desired = _int(values["desired"], "--desired") if values["desired"] else None
            ops.check_bounds(minimum, maximum, desired)  # before anything touches AWS
            detail = f"min={minimum} max={maximum}" + (f" desired={desired}" if desired is not None else "")

            def run() -> ops.ScaleResult:
                result = ops.scale(dash.stack, minimum, maximum, desired)
                record_scaling(dash.config_path, dash.env, minimum, maximum)
                return result

            result = await _threaded(lambda: audited("scale", detail, run))
        except (OperationError, ConfigError) as exc:
            st = ops.status(dash.stack, ("service", "scaling"))
            return page(request, "scaling.html", status_code=400, st=st, form=values, error=str(exc))
        was = result.previous
        if result.waiting:
            return back(
                request,
                "/scaling",
                "good",
                f"Autoscaling bounds {result.min}..{result.max} recorded in {dash.config_path.name} and "
                "on the service: the first deploy applies them.",
            )
        return back(
            request,
            "/scaling",
            "good",
            f"Autoscaling bounds {was['min']}..{was['max']} -> {result.min}..{result.max}"
            + (f"; desired count {result.desired}" if result.desired is not None else "")
            + f". Recorded in {dash.config_path.name}.",
        )

    # ------------------------------------------------------------------ secrets

    def secrets_page(request: Request, status_code: int = 200, **extra: Any) -> HTMLResponse:
        names = ops.secrets_list(dash.stack)
        version = ops.secrets_version(dash.stack)
        context: dict[str, Any] = {
            "names": names,
            "version": version or "",
            "protected": ops.PROTECTED_KEYS,
            "revealed": {},
            "error": None,
            "conflict": False,
            "confirm": None,
            "st": ops.status(dash.stack, ("service",)),
            "sync": dash.sync,
        }
        context.update(extra)
        return page(request, "secrets.html", status_code=status_code, **context)

    def secrets(request: Request) -> HTMLResponse:
        return secrets_page(request)

    async def secrets_post(request: Request) -> Response:
        form = await request.form()
        name = str(form.get("name", "")).strip()
        value = str(form.get("value", ""))
        expected = str(form.get("version", "")) or None
        try:

            def run() -> ops.SecretChange:
                change = ops.secrets_set(dash.stack, name, value, expected_version=expected)
                if change.action == "created":
                    record_secret_keys(dash.config_path, dash.env, change.keys)
                return change

            change = await _threaded(lambda: audited("secret set", name, run))
            if change.action == "created":
                start_sync()  # after the change is audited: the audit log reads in order
        except ops.StaleVersionError:
            return secrets_page(request, 409, conflict=True)
        except (OperationError, ConfigError, TerraformError) as exc:
            return secrets_page(request, 400, error=str(exc))
        text = f"{change.key} {change.action}."
        if change.action == "created":
            text += f" Declared in {dash.config_path.name} so that Terraform keeps it."
        return back(request, "/secrets", "good", text + " The service is rolling: new tasks read it.")

    async def secret_delete(request: Request) -> Response:
        name = request.path_params["name"]
        form = await request.form()
        expected = str(form.get("version", "")) or None
        if form.get("confirm") != name:
            return secrets_page(request, confirm=name)
        try:

            def run() -> ops.SecretChange:
                change = ops.secrets_delete(dash.stack, name, expected_version=expected)
                record_secret_keys(dash.config_path, dash.env, change.keys)
                return change

            change = await _threaded(lambda: audited("secret delete", name, run))
            start_sync()  # after the change is audited: the audit log reads in order
        except ops.StaleVersionError:
            return secrets_page(request, 409, conflict=True)
        except (OperationError, ConfigError, TerraformError) as exc:
            return secrets_page(request, 400, error=str(exc))
        return back(
            request,
            "/secrets",
            "good",
            f"{change.key} deleted; removed from {dash.config_path.name}. The service is rolling.",
        )

    async def secret_reveal(request: Request) -> Response:
        name = request.path_params["name"]
        try:
            value = await _threaded(
                lambda: audited("secret reveal", name, lambda: ops.secrets_get(dash.stack, name))
            )
        except OperationError as exc:
            return secrets_page(request, 400, error=str(exc))
        return secrets_page(request, revealed={name: value})

    def sync_live(request: Request) -> HTMLResponse:
        return fragment("_sync.html", sync=dash.sync)

    def rollout_live(request: Request) -> HTMLResponse:
        st = ops.status(dash.stack, ("service",))
        return fragment("_rollout.html", st=st)

    # ------------------------------------------------------------------ deploys

    def deploys(request: Request) -> HTMLResponse:
        runs = _safe(lambda: ops.pipeline_history(dash.stack, 10), [])
        return page(request, "deploys.html", runs=runs, pipeline=dash.stack.outputs.get("pipeline_name"))

    async def deploys_post(request: Request) -> Response:
        try:
            result = await _threaded(
                lambda: audited("pipeline run", "", lambda: ops.pipeline_run(dash.stack))
            )
        except OperationError as exc:
            return back(request, "/deploys", "bad", str(exc))
        return back(request, f"/deploys/{result['execution_id']}", "good", "Pipeline started.")

    def deploy_run(request: Request) -> HTMLResponse:
        run = _pipeline_run(dash.stack, request.path_params["id"])
        return page(request, "deploy_run.html", run=run, final=run["status"] in FINAL_PIPELINE)

    def deploy_live(request: Request) -> HTMLResponse:
        run = _pipeline_run(dash.stack, request.path_params["id"])
        return fragment("_deploy_live.html", run=run, final=run["status"] in FINAL_PIPELINE)

    # ------------------------------------------------------------------ migrations

    def migrations(request: Request) -> HTMLResponse:
        runs = _safe(lambda: ops.migration_history(dash.stack, 10), [])
        return page(request, "migrations.html", runs=runs)

    async def migrations_post(request: Request) -> Response:
        try:
            result = await _threaded(
                lambda: audited("migrate", "live image", lambda: ops.migrate(dash.stack))
            )
        except OperationError as exc:
            return back(request, "/migrations", "bad", str(exc))
        name = str(result["execution"]).rsplit(":", 1)[-1]
        return back(request, f"/migrations/{name}", "good", f"Migration started with {result['image']}.")

    def migration_run(request: Request) -> HTMLResponse:
        run = _migration_run(dash.stack, request.path_params["name"])
        return page(request, "migration_run.html", run=run, final=run["status"] != "RUNNING")

    def migration_live(request: Request) -> HTMLResponse:
        run = _migration_run(dash.stack, request.path_params["name"])
        return fragment("_migration_live.html", run=run, final=run["status"] != "RUNNING")

    # ------------------------------------------------------------------ releases and logs

    def releases_page(request: Request, confirm: int | None = None) -> HTMLResponse:
        history = _safe(lambda: ops_tasks.releases(dash.stack, 20), [])
        return page(request, "releases.html", releases=history, confirm=confirm)

    def releases(request: Request) -> HTMLResponse:
        return releases_page(request)

    async def release_rollback(request: Request) -> Response:
        form = await request.form()
        revision = _int(str(form.get("revision", "")), "revision")
        if str(form.get("confirm", "")) != str(revision):
            return releases_page(request, confirm=revision)  # a deliberate second click
        try:
            result = await _threaded(
                lambda: audited(
                    "rollback", f"to revision {revision}", lambda: ops_tasks.rollback(dash.stack, revision)
                )
            )
        except OperationError as exc:
            return back(request, "/releases", "bad", str(exc))
        text = (
            f"Rolling back to revision {result.release.revision} ({result.release.commit}) "
            f"as revision {result.revision}."
        )
        for warning in result.warnings:
            session(request).flashes.append(("bad", f"Warning: {warning}"))
        return back(request, "/releases", "good", text)

    def logs(request: Request) -> HTMLResponse:
        source = request.query_params.get("source", "all")
        since = request.query_params.get("since", "1h")
        pattern = request.query_params.get("filter", "") or None
        sources = list(ops_tasks.LOG_SOURCES) if source == "all" else [source]
        error, lines = None, []
        try:
            lines = ops_tasks.read_logs(dash.stack, sources, ops_tasks.parse_since(since), pattern, limit=500)
        except OperationError as exc:
            error = str(exc)
        return page(
            request,
            "logs.html",
            status_code=400 if error else 200,
            lines=[line.as_dict() for line in lines],
            source=source,
            since=since,
            pattern=pattern or "",
            sources=["all", *ops_tasks.LOG_SOURCES],
            error=error,
        )

    # ------------------------------------------------------------------ audit

    def audit(request: Request) -> HTMLResponse:
        return page(request, "audit.html", entries=dash.audit.last(100), path=dash.audit.path)

    routes = [
        Route("/", overview),
        Route("/live/overview", overview_live),
        Route("/scaling", scaling),
        Route("/scaling", scaling_post, methods=["POST"]),
        Route("/secrets", secrets),
        Route("/secrets", secrets_post, methods=["POST"]),
        Route("/secrets/{name}/delete", secret_delete, methods=["POST"]),
        Route("/secrets/{name}/reveal", secret_reveal, methods=["POST"]),
        Route("/live/rollout", rollout_live),
        Route("/live/sync", sync_live),
        Route("/deploys", deploys),
        Route("/deploys", deploys_post, methods=["POST"]),
        Route("/deploys/{id}", deploy_run),
        Route("/live/deploys/{id}", deploy_live),
        Route("/migrations", migrations),
        Route("/migrations", migrations_post, methods=["POST"]),
        Route("/migrations/{name}", migration_run),
        Route("/live/migrations/{name}", migration_live),
        Route("/releases", releases),
        Route("/releases/rollback", release_rollback, methods=["POST"]),
        Route("/logs", logs),
        Route("/audit", audit),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={OperationError: _operation_error})
    app.add_middleware(GuardMiddleware, guard=dash.guard)
    return app


async def _operation_error(request: Request, exc: Exception) -> Response:
    return HTMLResponse(
        "<!doctype html><title>Zonké</title><p>Could not read the stack: "
        + _escape(str(exc))
        + '</p><p><a href="/">Back to the overview</a></p>',
        status_code=502,
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


async def _threaded(fn: Callable[[], Any]) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn)


def _int(text: str, flag: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a whole number") from None


def _safe(fn: Callable[[], Any], default: Any) -> Any:
    try:
        return fn()
    except Exception:
        return default


def _overview(stack: ops.Stack) -> dict[str, Any]:
    """The overview's reads, side by side (each is a few AWS calls; none depends on another)."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        st = pool.submit(ops.status, stack)
        pipeline_runs = pool.submit(_safe, lambda: ops.pipeline_history(stack, 5), [])
        migration_runs = pool.submit(_safe, lambda: ops.migration_history(stack, 5), [])
        metrics = pool.submit(_safe, lambda: ops.service_metrics(stack), {})
        return {
            "st": st.result(),
            "pipeline_runs": pipeline_runs.result(),
            "migration_runs": migration_runs.result(),
            "metrics": metrics.result(),
            "read_ms": round((time.perf_counter() - started) * 1000),
        }


def cached_clients(stack: ops.Stack) -> ops.Stack:
    """The same stack with one boto3 client per service, made once (clients are thread-safe
    and slow to make: the dashboard asks for them on every page)."""
    made: dict[str, Any] = {}
    lock = threading.Lock()

    def client(service: str) -> Any:
        with lock:
            if service not in made:
                made[service] = stack.client(service)
            return made[service]

    return ops.Stack(outputs=stack.outputs, client=client)


def _pipeline_run(stack: ops.Stack, execution_id: str) -> dict[str, Any]:
    if not _PIPELINE_ID.match(execution_id):
        raise OperationError("not a pipeline execution id")
    return ops.pipeline_execution(stack, execution_id)


def _migration_run(stack: ops.Stack, name: str) -> dict[str, Any]:
    if not _EXECUTION_NAME.match(name):
        raise OperationError("not a migration run name")
    machine = str(stack.out("migration_state_machine_arn"))
    arn = machine.replace(":stateMachine:", ":execution:", 1) + f":{name}"
    run = ops.describe_migration(stack, arn)
    run["name"] = name
    return run
