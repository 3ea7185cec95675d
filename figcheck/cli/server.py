"""The one Prefect server a `figcheck run` or `figcheck serve` reports to: the one at
PREFECT_API_URL, or a local one this command starts, and stops when it ends.

A run starts its own rather than letting Prefect start its embedded one, because Prefect's
embedded server is known to the process that started it only: worker processes would each
start another. The address must be in the environment before Prefect reads its settings."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from figcheck.cli.app import fail

_START_SECONDS = 120


@contextlib.contextmanager
def prefect_api(*, scheduler: bool = False, announce: bool = False,
                meanwhile: Callable[[], None] | None = None) -> Iterator[str | None]:
    """Yields the API address every process of this command reports to. ``scheduler``: the
    server must run Prefect's scheduler (for `serve`); the embedded-style one runs none.
    ``meanwhile`` is called once the address is in the environment, while a server this
    command starts is still starting (Prefect may be imported then)."""
    if os.environ.get("PREFECT_API_URL"):
        if meanwhile is not None:
            meanwhile()
        yield os.environ["PREFECT_API_URL"]
        return
    if "prefect" in sys.modules:  # already configured in this process (a test harness, a caller)
        from prefect.settings import get_current_settings

        if get_current_settings().api.url:
            if meanwhile is not None:
                meanwhile()
            yield str(get_current_settings().api.url)
            return
    with local_server(scheduler=scheduler, announce=announce, meanwhile=meanwhile) as url:
        try:
            if "prefect" in sys.modules:
                from prefect.settings import PREFECT_API_URL, temporary_settings

                with temporary_settings({PREFECT_API_URL: url}):
                    yield url
            else:
                yield url
        finally:
            _send_what_prefect_holds()
            os.environ.pop("PREFECT_API_URL", None)


def _send_what_prefect_holds() -> None:
    """Sends the logs and events Prefect still holds while the server can take them: after it
    stops, each would be retried against a closed port for over a minute."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):
            worker.drain_all(timeout=10)


@contextlib.contextmanager
def local_server(*, scheduler: bool, announce: bool, meanwhile: Callable[[], None] | None = None) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    if scheduler:
        command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
        env = dict(os.environ)
    else:
        # What Prefect's embedded server runs: the API alone, no UI and no background services.
        prefect_dir = Path(importlib.util.find_spec("prefect").origin).parent
        command = [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent), "--factory",
                   "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
                   "--log-level", "error", "--lifespan", "on"]
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    if announce:
        print(f"figcheck: starting a local Prefect server on {url} (its UI: http://127.0.0.1:{port})", file=sys.stderr)
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        os.environ["PREFECT_API_URL"] = url
        if meanwhile is not None:
            meanwhile()  # the server takes seconds to start: this process need not wait idle
        _wait_healthy(url, server)
        yield url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + _START_SECONDS
    with httpx.Client(timeout=2) as client:  # one client: each new one loads the system's certificates
        while time.monotonic() < deadline:
            if server.poll() is not None:
                fail(f"the local Prefect server stopped at start (exit {server.returncode}); try `prefect server start`", code=1)
            with contextlib.suppress(httpx.HTTPError):
                if client.get(f"{url}/health").status_code == 200:
                    return
            time.sleep(0.1)
    server.kill()
    fail(f"the local Prefect server did not answer within {_START_SECONDS} s", code=1)
