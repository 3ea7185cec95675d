"""The data beside the checkout (`../shared`): the seed articles and the KCNA archive. A user's
clone may not have it; CI does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def require_shared(path: Path) -> Path:
    """``path`` under ../shared, or a skip naming what is missing. Under CI (which lays ../shared
    beside the checkout) a missing file is a failure, so the tests that need it cannot go quiet."""
    if path.exists():
        return path
    message = f"needs {path} (../shared beside the checkout): not present"
    if os.environ.get("CI"):
        pytest.fail(message + ", and CI must have it")
    pytest.skip(message)
