"""Run as ``python -m spawns_workers``: hands work to two of figcheck's worker processes and prints
their process ids. Imported, this module notes the importing process's id in the file that
FIGCHECK_TEST_IMPORTED names, so that a test sees which processes imported it."""

from __future__ import annotations

import os

with open(os.environ["FIGCHECK_TEST_IMPORTED"], "a", encoding="utf-8") as noted:
    noted.write(f"{os.getpid()}\n")


def main() -> None:
    from figcheck.pipeline.processes import WorkerPool

    pool = WorkerPool(2)
    pool.start("json")
    ids = {pool.submit(os.getpid).result() for _ in range(4)}
    pool.shutdown()
    print(" ".join(str(i) for i in sorted(ids)))


if __name__ == "__main__":
    main()
