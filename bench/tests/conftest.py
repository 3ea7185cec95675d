"""The benchmark scripts' own tests: ``PYTHONPATH=$PWD python -m pytest -q bench/tests``."""

import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[1]))
