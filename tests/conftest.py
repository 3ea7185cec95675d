"""Shared fixtures: Prefect's test harness for the flow tests (one temporary server a session)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The data beside the checkout (`../shared`): the seed articles and the KCNA archive. A user's
# clone may not have it; CI does.
SHARED = Path(__file__).resolve().parents[2] / "shared"

# Set before Prefect is imported by any test: no analytics calls from a test run.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def require_shared(path: Path) -> Path:
    """``path`` under ../shared, or a skip naming what is missing. Under CI (which lays ../shared
    beside the checkout) a missing file is a failure, so the tests that need it cannot go quiet."""
    if path.exists():
        return path
    message = f"needs {path} (../shared beside the checkout): not present"
    if os.environ.get("CI"):
        pytest.fail(message + ", and CI must have it")
    pytest.skip(message)
