"""The deployments declared in prefect.yaml, built so that one process can serve them with their
schedules (`figcheck serve`) and tests can register them without waiting for the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

PROJECT = Path(__file__).resolve().parents[1]
DEPLOYMENTS_FILE = PROJECT / "prefect.yaml"


class DeploymentFileError(ValueError):
    pass


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    entrypoint: str
    cron: str
    timezone: str = "UTC"
    parameters: dict[str, Any] = field(default_factory=dict)
    description: str | None = None


def load_deployment_spec(name: str = "daily", path: Path = DEPLOYMENTS_FILE) -> DeploymentSpec:
    """The deployment ``name`` of prefect.yaml, with a clear error naming what is missing."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise DeploymentFileError(f"{path}: {error}") from None
    for entry in data.get("deployments") or []:
        if entry.get("name") != name:
            continue
        schedules = entry.get("schedules") or []
        if not schedules or "cron" not in schedules[0]:
            raise DeploymentFileError(f"{path}: deployment {name!r} has no cron schedule")
        if "entrypoint" not in entry:
            raise DeploymentFileError(f"{path}: deployment {name!r} has no entrypoint")
        return DeploymentSpec(
            name=name,
            entrypoint=entry["entrypoint"],
            cron=schedules[0]["cron"],
            timezone=schedules[0].get("timezone", "UTC"),
            parameters=dict(entry.get("parameters") or {}),
            description=entry.get("description"),
        )
    raise DeploymentFileError(f"{path}: no deployment named {name!r}")


def build_deployment(spec: DeploymentSpec, *, cron: str | None = None, parameters: dict[str, Any] | None = None) -> RunnerDeployment:
    """The deployment as a RunnerDeployment: ``flow.serve`` and ``prefect.serve`` run these."""
    # Prefect is imported here, not with the module: `figcheck serve` reads the spec before it
    # has told Prefect which server to use.
    from prefect.flows import load_flow_from_entrypoint
    from prefect.schedules import Cron

    flow = load_flow_from_entrypoint(str(PROJECT / spec.entrypoint))
    return flow.to_deployment(
        name=spec.name,
        schedule=Cron(cron or spec.cron, timezone=spec.timezone),
        parameters={**spec.parameters, **(parameters or {})},
        description=spec.description,
    )
