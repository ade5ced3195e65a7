"""Local mode: a long-lived AWS emulator on 127.0.0.1 that outlives one ``zonke`` command.

``zonke deploy --local`` starts it (if it is not already running) in the background,
records its port and process id in ``.zonke/local-emulator.json``, and deploys into it;
the day-2 commands with ``--local`` talk to it; ``zonke destroy --local`` destroys the
stack and stops it. Its state lives in memory: stopping it forgets everything.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from zonke_tf.emulator import DUMMY_CREDENTIALS, EMULATOR_ENV, HOST, check_moto
from zonke_tf.errors import EmulatorError

STATE_FILE = "local-emulator.json"


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:  # reap it if it is our own child that has exited (a zombie still "exists")
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/zonke-compat/fixes", timeout=3):  # loopback only
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@dataclass
class LocalEmulator:
    """The background emulator of one project folder."""

    project_dir: Path
    startup_timeout: float = 30.0

    @property
    def dir(self) -> Path:
        return self.project_dir / ".zonke"

    @property
    def state_path(self) -> Path:
        return self.dir / STATE_FILE

    def running_url(self) -> str | None:
        """The URL of the running emulator, or None."""
        try:
            info = json.loads(self.state_path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        url = str(info.get("url", ""))
        if _alive(int(info.get("pid", 0) or 0)) and url and _answers(url):
            return url
        return None

    def ensure_running(self) -> tuple[str, bool]:
        """(url, started_now): start the emulator in the background unless it runs already."""
        url = self.running_url()
        if url:
            return url, False
        check_moto()
        self.dir.mkdir(parents=True, exist_ok=True)
        log_path = self.dir / "local-emulator.log"
        env = dict(os.environ)
        env.update(DUMMY_CREDENTIALS)
        env.update(EMULATOR_ENV)
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "zonke_tf.emulator.server", "--host", HOST, "--port", "0"],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,  # survives this command and its Ctrl-C
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            first = log_path.read_text().splitlines()[:1]
            if first and first[0].startswith("ZONKE_EMULATOR_READY "):
                url = f"http://{HOST}:{int(first[0].split()[1])}"
                if _answers(url):
                    self.state_path.write_text(json.dumps({"pid": proc.pid, "url": url}))
                    return url, True
            if proc.poll() is not None:
                raise EmulatorError(f"the local emulator exited at start; see {log_path}")
            time.sleep(0.1)
        proc.terminate()
        raise EmulatorError(f"the local emulator did not start within {self.startup_timeout:.0f} s")

    def stop(self) -> bool:
        """Stop the background emulator; True if one was running."""
        try:
            info = json.loads(self.state_path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return False
        pid = int(info.get("pid", 0) or 0)
        stopped = False
        if pid and _alive(pid):
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                if not _alive(pid):
                    break
                time.sleep(0.05)
            else:
                os.kill(pid, signal.SIGKILL)
            stopped = True
        self.state_path.unlink(missing_ok=True)
        return stopped
