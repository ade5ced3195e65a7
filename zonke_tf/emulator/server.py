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

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/zonke-compat/fixes":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [names]
        status: list[str] = []

        def recording_start_response(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)
            return start_response(code, headers, exc_info) if exc_info else start_response(code, headers)

        with lock:
            # the whole response is produced under the lock: a lazy body would otherwise
            # read the backends after the lock is released
            try:
                body = moto_app(environ, recording_start_response)
                try:
                    return [b"".join(body)]
                finally:
                    close = getattr(body, "close", None)
                    if close is not None:
                        close()
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


def _report_server_error(environ: dict[str, Any], status: str) -> None:
    """One line in the log for every 5xx answer, naming the call: an SDK retries a 5xx, so a
    call that changed state before failing is repeated, and the client then reports the
    repeat's error (e.g. "already exists"), not the fault. This line names the fault."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if not target:
        query = environ.get("QUERY_STRING", "")
        target = next((p for p in query.split("&") if p.startswith("Action=")), "")
    host = environ.get("HTTP_HOST", "")
    auth = environ.get("HTTP_AUTHORIZATION", "")
    service = auth.split("/")[3] if auth.count("/") >= 4 else host
    print(
        f"{SERVER_ERROR_PREFIX}{status} {environ.get('REQUEST_METHOD', '')} "
        f"{environ.get('PATH_INFO', '')} service={service} {target}".rstrip(),
        file=sys.stderr,
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the emulator binds to the loopback interface only")

    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    from zonke_tf.emulator.compat import install_all

    fix_names = install_all()
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
