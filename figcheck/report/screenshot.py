"""Takes a picture of a rendered HTML report with headless Chromium (for the README and for review)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# Headless and quiet: no sandbox (containers, CI), and nothing that reaches the network.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--mute-audio",
)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ChromiumNotFound(RuntimeError):
    pass


def find_chromium() -> str:
    """The Chromium executable: ``$FIGCHECK_CHROMIUM``, else the first on ``PATH``."""
    configured = os.environ.get("FIGCHECK_CHROMIUM")
    if configured:
        if not Path(configured).is_file():
            raise ChromiumNotFound(f"FIGCHECK_CHROMIUM={configured} does not exist")
        return configured
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    raise ChromiumNotFound(
        "no Chromium found (looked for " + ", ".join(CHROMIUM_NAMES) + "); on Debian: apt-get install -y chromium"
    )


def screenshot(html: Path, png: Path, width: int = 1280, height: int = 1700, scale: float = 1.0) -> Path:
    """Render ``html`` in a ``width`` × ``height`` window and save what shows to ``png``."""
    html, png = Path(html).resolve(), Path(png).resolve()
    if not html.is_file():
        raise FileNotFoundError(f"{html}: no such report")
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="figcheck-chromium-") as profile:
        command = [
            find_chromium(),
            *CHROMIUM_ARGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--force-device-scale-factor={scale}",
            f"--screenshot={png}",
            html.as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0 or not png.is_file():
        raise RuntimeError(
            f"Chromium could not take the screenshot (exit {result.returncode}): {result.stderr.strip()[-500:]}"
        )
    return png
