"""Entry point of the emulator child process: install the compatibility fixes, then serve moto.

Prints ``ZONKE_EMULATOR_READY <port>`` on its first line of output once the socket
is bound, so the parent learns the port without racing for it.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any


def _build_app(fix_names: list[str], moto_app: Any = None) -> Any:
    """The WSGI app: moto's dispatcher, one request at a time, plus a read-only path that
    proves which fixes this process installed.

    Serialised on purpose. moto's backends are plain dicts and lists with no locking, and
    werkzeug's threaded server runs each request in its own thread: under load, a request
    iterating a backend's dict while another request adds to it fails with "dictionary
    changed size during iteration" (seen with moto 5.2.5: ``DescribeSecurityGroupRules``
    beside ``CreateSecurityGroup``) and answers HTTP 500 after the mutation may already have
    happened. The AWS SDK retries a 5xx, so a non-idempotent call is repeated and fails
    the second time (``InvalidPermission.Duplicate`` on create, ``NotFound`` on delete),
    which is what made ``zonke deploy --local`` fail now and then. AWS's own APIs are
    consistent per call; one lock here restores that, at no cost worth measuring (the GIL
    already runs one request's Python at a time). The SDK's retry of 5xx answers:
    https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html

    moto calls itself over HTTP only from Step Functions executions, which run in their own
    threads after StartExecution has answered: they wait their turn. A synchronous call back
    into the server from inside a request (StartSyncExecution of an Express workflow, which
    nothing here uses) would wait for its own lock until the client's timeout.
    """
    if moto_app is None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        moto_app = DomainDispatcherApplication(create_backend_app)
    names = json.dumps(fix_names).encode()
    lock = threading.Lock()
    answered = _AnsweredCalls()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/zonke-compat/fixes":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [names]
        status: list[str] = []
        sent_headers: list[Any] = []

        def recording_start_response(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)
            sent_headers.append(list(headers))
            return start_response(code, headers, exc_info) if exc_info else start_response(code, headers)

        with lock:
            # the whole response is produced under the lock: a lazy body would otherwise
            # read the backends after the lock is released
            key = _retry_key(environ)
            if key is not None:
                earlier = answered.get(key)
                _report_retry(environ, replayed=earlier is not None)
                if earlier is not None:
                    _drain(environ)
                    start_response(earlier[0], earlier[1])
                    return [earlier[2]]
            try:
                body = moto_app(environ, recording_start_response)
                try:
                    joined = b"".join(body)
                finally:
                    close = getattr(body, "close", None)
                    if close is not None:
                        close()
                invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID", "")
                if invocation and status and status[-1][:1] == "2" and _changes_state(environ):
                    answered.put(invocation, (status[-1], sent_headers[-1], joined))
                return [joined]
            except Exception:
                # werkzeug answers 500 for it (an action the emulator does not implement
                # raises here, for one) and logs the traceback
                status.append("500 Internal Server Error")
                raise
            finally:
                if status and status[-1][:1] == "5":
                    _report_server_error(environ, status[-1])

    return app


SERVER_ERROR_PREFIX = "ZONKE_EMULATOR_SERVER_ERROR "
RETRY_PREFIX = "ZONKE_EMULATOR_RETRY "
# How many answered state-changing calls are kept for a retry of the same call. The
# provider's SDK retries within seconds (max_retries = 2 in the provider block); a
# deploy makes a few thousand calls, so this covers minutes of them.
ANSWERED_CALLS_KEPT = 4096


class _AnsweredCalls:
    """The 2xx answers to state-changing calls, by the SDK's invocation id, oldest dropped first.

    Why: an AWS SDK sends one ``amz-sdk-invocation-id`` for every attempt of one call, and
    retries a call whose answer it did not get (a reset connection, a timeout). The emulator
    had already made the change, so the repeat failed: ``EntityAlreadyExists`` on
    ``CreateRole`` (CI of 2026-12-03, rds monitoring role, under load), ``Duplicate`` on a
    rule, ``NotFound`` on a delete. On AWS such a retry is rare (a lost answer over the
    internet) and the provider tolerates most of them; on a loaded 2-core machine the
    emulator's answers are slow enough that it happened in about one CI run in three. The
    emulator answers a retried call with the answer it already gave, as if the first answer
    had arrived. The header and the retry rules:
    https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
    """

    def __init__(self, kept: int = ANSWERED_CALLS_KEPT) -> None:
        from collections import OrderedDict

        self._kept = kept
        self._answers: OrderedDict[str, tuple[str, list[Any], bytes]] = OrderedDict()

    def get(self, invocation: str) -> tuple[str, list[Any], bytes] | None:
        return self._answers.get(invocation)

    def put(self, invocation: str, answer: tuple[str, list[Any], bytes]) -> None:
        self._answers[invocation] = answer
        while len(self._answers) > self._kept:
            self._answers.popitem(last=False)


def _attempt(environ: dict[str, Any]) -> int:
    """The attempt number of an SDK call (``amz-sdk-request: attempt=2; max=3``), 1 when absent."""
    for part in environ.get("HTTP_AMZ_SDK_REQUEST", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "attempt" and value.isdigit():
            return int(value)
    return 1


def _retry_key(environ: dict[str, Any]) -> str | None:
    """The invocation id of a repeated attempt of a state-changing call, else None."""
    invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID", "")
    if not invocation or _attempt(environ) < 2 or not _changes_state(environ):
        return None
    return str(invocation)


def _changes_state(environ: dict[str, Any]) -> bool:
    """Reads (GET, HEAD) are safe to repeat and may be large (S3 objects): never kept."""
    return environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD", "OPTIONS")


def _drain(environ: dict[str, Any]) -> None:
    """Read a replayed call's body, so the connection stays usable for the next request."""
    length = environ.get("CONTENT_LENGTH") or "0"
    stream = environ.get("wsgi.input")
    if stream is not None and length.isdigit() and int(length) > 0:
        stream.read(int(length))


def _report_retry(environ: dict[str, Any], *, replayed: bool) -> None:
    """One line per repeated attempt, so a soak or a CI log shows how often the SDK retried
    and whether the emulator had already made the change."""
    print(
        f"{RETRY_PREFIX}attempt={_attempt(environ)} replayed={'yes' if replayed else 'no'} "
        f"{_call_name(environ)}",
        file=sys.stderr,
        flush=True,
    )


def _report_server_error(environ: dict[str, Any], status: str) -> None:
    """One line in the log for every 5xx answer, naming the call: an SDK retries a 5xx, so a
    call that changed state before failing is repeated, and the client then reports the
    repeat's error (e.g. "already exists"), not the fault. This line names the fault."""
    print(f"{SERVER_ERROR_PREFIX}{status} {_call_name(environ)}", file=sys.stderr, flush=True)


def _call_name(environ: dict[str, Any]) -> str:
    """``METHOD PATH service=S Target``: the call a log line is about."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if not target:
        query = environ.get("QUERY_STRING", "")
        target = next((p for p in query.split("&") if p.startswith("Action=")), "")
    host = environ.get("HTTP_HOST", "")
    auth = environ.get("HTTP_AUTHORIZATION", "")
    service = auth.split("/")[3] if auth.count("/") >= 4 else host
    return (
        f"{environ.get('REQUEST_METHOD', '')} {environ.get('PATH_INFO', '')} service={service} {target}"
    ).rstrip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="FIX",
        help="leave this compatibility fix out (the canary tests); may be repeated",
    )
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the emulator binds to the loopback interface only")

    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    from zonke_emulator.compat import install_all

    fix_names = install_all(without=args.without)
    server = make_server(
        args.host, args.port, _build_app(fix_names), threaded=True, request_handler=MotoRequestHandler
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"ZONKE_EMULATOR_READY {server.port}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
