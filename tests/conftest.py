"""Shared fixtures: Prefect's test harness for the flow tests (one temporary server a session)."""

from __future__ import annotations

import os
import signal

import pytest

# Set before Prefect is imported by any test: no analytics calls from a test run.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def sigint_as_at_a_terminal():
    """For the tests that press Ctrl-C on a process they start. A test run started where
    SIGINT is ignored (a script's background job, nohup) passes that on to every process it
    starts, and a process that ignores SIGINT cannot show what Ctrl-C does to it: while the test
    runs, SIGINT is what a terminal gives, so that the processes it starts take it."""
    previous = signal.getsignal(signal.SIGINT)
    if previous == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
