"""Shared fixtures: Prefect's test harness for the flow tests (one temporary server a session)."""

from __future__ import annotations

import os

import pytest

# Set before Prefect is imported by any test: no analytics calls from a test run.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
