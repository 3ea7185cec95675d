"""`figcheck serve`: run the scheduled deployment from one process, without a work pool."""

from __future__ import annotations

import asyncio
import signal
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


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


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
        asyncio.run(runner.start())


def _runner():
    from prefect.runner import Runner

    class StoppedLikeCtrlC(Runner):
        """Prefect's runner, stopped by SIGTERM (a service manager's stop) the way Ctrl-C stops it:
        its own SIGTERM handler calls a coroutine from a signal handler and warns."""

        def handle_sigterm(self, *args, **kwargs) -> None:
            raise KeyboardInterrupt

    # Stopping must not pause the schedule: the next start would serve a paused deployment.
    return StoppedLikeCtrlC(pause_on_shutdown=False)
