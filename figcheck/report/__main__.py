"""``python -m figcheck.report --screenshot REPORT.html OUT.png``: a picture of a report, for the README."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from figcheck.report.screenshot import ChromiumNotFound, screenshot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m figcheck.report", description=__doc__)
    parser.add_argument("--screenshot", nargs=2, metavar=("REPORT_HTML", "OUT_PNG"), type=Path, required=True)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1700)
    parser.add_argument("--scale", type=float, default=1.0, help="device pixel ratio (2 for a sharper picture)")
    options = parser.parse_args(argv)
    html, png = options.screenshot
    try:
        screenshot(html, png, width=options.width, height=options.height, scale=options.scale)
    except (ChromiumNotFound, FileNotFoundError, RuntimeError) as error:
        print(f"figcheck: error: {error}", file=sys.stderr)
        return 2
    print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
