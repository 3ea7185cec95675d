"""`figcheck serve`: run the scheduled deployment from one process, without a work pool."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import Annotated

import typer

from figcheck.cli.app import app, fail
from figcheck.cli.run import configure_prefect
from figcheck.cli.server import prefect_api


@app.command()
def serve(
    cron: Annotated[str | None, typer.Option(help='When to run, as a cron line (default: prefect.yaml\'s, "0 6 * * *": daily at 06:00 UTC).')] = None,
    deployment: Annotated[str, typer.Option(help="Which deployment of prefect.yaml to serve.")] = "daily",
) -> None:
    """Serve the fetch-and-check deployment with its schedule until stopped (Ctrl-C or SIGTERM).

    Each scheduled run fetches the sources in corpus/sources.yaml, checks the corpus and writes
    reports/latest/. With PREFECT_API_URL set, the schedule lives on that server. Without it,
    a local Prefect server is started for as long as this command runs (Prefect's embedded
    server runs no scheduler). Stopping leaves the deployment's schedule as it was. Users with
    a work pool deploy prefect.yaml with `prefect deploy --all` instead.
    """
    # SIGTERM (a service manager's stop) stops it the way Ctrl-C does, at any moment.
    signal.signal(signal.SIGTERM, _interrupt)
    configure_prefect()
    from flows.deployments import DeploymentFileError, load_deployment_spec

    try:
        spec = load_deployment_spec(deployment)
    except DeploymentFileError as error:
        fail(str(error))
    # The server first, so that Prefect reads its address with its settings: one server only.
    try:
        _serve(spec, cron)
    except KeyboardInterrupt:
        typer.echo("figcheck: stopped; the deployment's schedule is left as it was.", err=True)


# Set while the runner's event loop runs: hands a stop to the loop (``_until_stopped``).
_stop_soon: Callable[[], object] | None = None


def _interrupt(signum: int | None = None, frame: object = None) -> None:
    """SIGTERM stops serving the way Ctrl-C does. A signal handler runs between two steps of the
    main thread, wherever it is: an exception it raises inside a finaliser or a weakref callback
    is printed and dropped there, and serving went on (a stop lost so was seen in a test run).
    While the runner's event loop runs, the stop is handed to the loop, which cancels the serving
    task where the cancellation cannot be lost; before, it is raised as Ctrl-C's would be."""
    if _stop_soon is None:
        raise KeyboardInterrupt
    _stop_soon()


async def _until_stopped(serving: Awaitable[None]) -> None:
    """Awaits ``serving`` until it ends, or until SIGTERM, raised then as KeyboardInterrupt."""
    global _stop_soon
    main = asyncio.current_task()
    loop = asyncio.get_running_loop()
    _stop_soon = lambda: loop.call_soon_threadsafe(main.cancel)  # noqa: E731
    try:
        await serving
    except asyncio.CancelledError:
        raise KeyboardInterrupt from None
    finally:
        _stop_soon = None


def _serve(spec, cron: str | None) -> None:
    with prefect_api(scheduler=True, announce=True):
        from prefect.schedules import validate_cron_string

        from flows.deployments import build_deployment

        if cron is not None:
            try:
                validate_cron_string(cron)
            except ValueError as error:
                raise typer.BadParameter(f"{cron!r} is not a cron line: {error}", param_hint="--cron") from None
        runner = _runner()
        runner.add_deployment(build_deployment(spec, cron=cron))
        typer.echo(f"figcheck: serving the deployment {spec.name!r} ({cron or spec.cron}, {spec.timezone}); "
                   "Ctrl-C or SIGTERM stops it.", err=True)
        asyncio.run(_until_stopped(runner.start()))


def _runner():
    from prefect.runner import Runner

    class StoppedLikeCtrlC(Runner):
        """Prefect's runner, stopped by SIGTERM (a service manager's stop) the way Ctrl-C stops it:
        its own SIGTERM handler calls a coroutine from a signal handler and warns."""

        def handle_sigterm(self, *args, **kwargs) -> None:
            _interrupt()

    # Stopping must not pause the schedule: the next start would serve a paused deployment.
    return StoppedLikeCtrlC(pause_on_shutdown=False)
