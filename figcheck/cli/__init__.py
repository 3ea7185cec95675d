"""Command-line entry point; each module below adds its commands to the shared app."""

import gc

from figcheck.cli.app import app
from figcheck.cli import extract  # noqa: F401  (registers `extract`)
from figcheck.cli import run  # noqa: F401  (registers `run`)
from figcheck.cli import serve  # noqa: F401  (registers `serve`)
from figcheck.cli import facts  # noqa: F401  (registers `facts`)
from figcheck.cli import fetch  # noqa: F401  (registers `fetch`)
from figcheck.cli import export  # noqa: F401  (registers `export`)
from figcheck.cli import runs  # noqa: F401  (registers `runs`)


def main() -> None:
    try:
        app()
    finally:
        # At exit the interpreter's last collections walk every object still tracked (after a run:
        # Prefect's, pydantic's and the checks' modules), 0.3-0.5 s of a command's time; frozen,
        # they are left to the process's end. What reference counts free is freed as before.
        gc.freeze()


__all__ = ["app", "main"]
