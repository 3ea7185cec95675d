"""The instructions a Python command executes, counted by valgrind's cachegrind: a figure that does
not move with the machine's load as CPU time does (within about 0.5%; the hash seed is fixed, as set
iteration order follows it). Used by the `*_instructions` and `furniture_bench` scripts, which run
themselves under it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor


def instructions(*arguments: str) -> int:
    """The instructions of ``python ARGUMENTS...`` (this interpreter), start-up included."""
    with tempfile.TemporaryDirectory() as folder:
        command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={folder}/out",
                   sys.executable, *arguments]
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"},
                              check=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def one_pass(script: str, *arguments: str) -> int:
    """The instructions of one pass of ``script``'s measured work: the script run with ``--passes 2``
    less the script run with ``--passes 1`` (the two side by side), so that start-up, loading and
    compiling the patterns are left out."""
    with ThreadPoolExecutor(2) as pool:
        one, two = pool.map(lambda count: instructions(script, *arguments, "--passes", str(count)), (1, 2))
    return two - one
