"""`figcheck serve`: run the scheduled deployment from one process, without a work pool."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Annotated

import httpx
import typer

from figcheck.cli.app import app, fail
from figcheck.cli.run import configure_prefect

_SERVER_START_SECONDS = 90


@app.command()
def serve(
    cron: Annotated[str | None, typer.Option(help='When to run, as a cron line (default: prefect.yaml\'s, "0 6 * * *": daily at 06:00 UTC).')] = None,
    deployment: Annotated[str, typer.Option(help="Which deployment of prefect.yaml to serve.")] = "daily",
) -> None:
    """Serve the fetch-and-check deployment with its schedule until stopped (Ctrl-C).

    Each scheduled run fetches the sources in corpus/sources.yaml, checks the corpus and writes
    reports/latest/. With PREFECT_API_URL set, the schedule lives on that server. Without it,
    a local Prefect server is started for as long as this command runs (Prefect's embedded
    server runs no scheduler). Users with a work pool deploy prefect.yaml with
    `prefect deploy --all` instead.
    """
    configure_prefect()
    from prefect.schedules import validate_cron_string

    from flows.deployments import DeploymentFileError, load_deployment_spec

    if cron is not None:
        try:
            validate_cron_string(cron)
        except ValueError as error:
            raise typer.BadParameter(f"{cron!r} is not a cron line: {error}", param_hint="--cron") from None
    try:
        spec = load_deployment_spec(deployment)
    except DeploymentFileError as error:
        fail(str(error))
    with _api_server():
        from prefect import serve as prefect_serve

        from flows.deployments import build_deployment

        prefect_serve(build_deployment(spec, cron=cron))


@contextlib.contextmanager
def _api_server() -> Iterator[None]:
    """The server at PREFECT_API_URL, or a local one started and stopped with this command."""
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    typer.echo(f"figcheck: starting a local Prefect server on {url} (its UI: http://127.0.0.1:{port})", err=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    try:
        _wait_healthy(url, server)
        os.environ["PREFECT_API_URL"] = url
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + _SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            fail(f"the local Prefect server stopped at start (exit {server.returncode}); try `prefect server start`", code=1)
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    fail(f"the local Prefect server did not answer within {_SERVER_START_SECONDS} s", code=1)
