"""Entry point of the emulator child process: install the compatibility fixes, then serve moto.

Prints ``ZONKE_EMULATOR_READY <port>`` on its first line of output once the socket
is bound, so the parent learns the port without racing for it.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from typing import Any


def _build_app(fix_names: list[str]) -> Any:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    moto_app = DomainDispatcherApplication(create_backend_app)
    names = json.dumps(fix_names).encode()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        # One extra read-only path, to prove which fixes this process installed.
        if environ.get("PATH_INFO") == "/zonke-compat/fixes":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [names]
        return moto_app(environ, start_response)

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the emulator binds to the loopback interface only")

    from moto.server import MotoRequestHandler
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
