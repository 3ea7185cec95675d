"""How long extraction takes on claim-dense text: one "sentence" of thousands of figures without a
full stop, as a hostile or broken page may bring in.

    python bench/dense_bench.py [--figures 100000] [--form numbers|people|juche] [--repeat 1]

Forms: ``numbers`` is bare numbers separated by commas (100,000 of them make about 0.9 MB);
``people`` is "N people," (each a count claim, about 1.4 MB); ``juche`` is "Juche 1 " repeated
(each a date claim). Prints the size, the time of each run and the number of claims. Run it with
two sizes (n and 4n) to see how time grows with the number of figures.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

from figcheck.extraction import extract_claims
from figcheck.records import Document, DocumentMeta


def dense_text(form: str, figures: int, seed: int = 0) -> str:
    rnd = random.Random(seed)
    if form == "numbers":
        return " ".join(f"{rnd.randint(1000, 9999999)}," for _ in range(figures))
    if form == "people":
        return " ".join(f"{rnd.randint(2, 99999)} people," for _ in range(figures))
    if form == "juche":
        return "Juche 1 " * figures
    raise ValueError(f"unknown form {form!r} (numbers, people or juche)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=int, default=100_000)
    parser.add_argument("--form", choices=("numbers", "people", "juche"), default="numbers")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    text = dense_text(args.form, args.figures)
    document = Document(doc_id="dense", text=text, meta=DocumentMeta(published=date(2012, 1, 1)))
    extract_claims(Document(doc_id="warm", text="1,204 nurses on June 25, 1950.", meta=DocumentMeta()))
    print(f"{args.form}: {args.figures} figures, {len(text.encode('utf-8')) / 1e6:.2f} MB")
    for run in range(1, args.repeat + 1):
        started = time.perf_counter()
        claims = extract_claims(document)
        print(f"run {run}: {time.perf_counter() - started:.2f} s, {len(claims)} claims")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
