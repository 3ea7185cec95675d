"""The sources a report lists, looked up one at a time from the report's store: their place in the
run's order, their colour and their short name, without a table of every source in memory."""

from __future__ import annotations

from collections.abc import Iterable

from figcheck.report.run import DocumentInfo
from figcheck.report.store import ReportStore

# Colour-blind-safe (Okabe and Ito), one per source in the order the run lists them.
SOURCE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D1F", "#5A5A5A")


class Sources:
    def __init__(self, store: ReportStore) -> None:
        self.store = store
        self._publishers = store.publisher_counts()

    def __len__(self) -> int:
        return self.store.source_count

    def __iter__(self):
        return self.store.documents()

    def position(self, doc_id: str) -> int | None:
        found = self.store.document(doc_id)
        return found[0] if found else None

    def info(self, doc_id: str) -> DocumentInfo | None:
        found = self.store.document(doc_id)
        return found[1] if found else None

    def colour(self, doc_id: str) -> str | None:
        position = self.position(doc_id)
        return SOURCE_COLOURS[position % len(SOURCE_COLOURS)] if position is not None else None

    def name(self, doc_id: str) -> str | None:
        """A short name: the publisher where no other source has it, else the title (see ``source_names``)."""
        info = self.info(doc_id)
        if info is None:
            return None
        unique = info.publisher and self._publishers[info.publisher] == 1
        return (info.publisher if unique else None) or info.title or info.doc_id

    def publisher_counts(self):
        return self._publishers

    def in_order(self, doc_ids: Iterable[str]) -> list[str]:
        """``doc_ids`` in the run's order of sources, once for each source of that id."""
        wanted = set(doc_ids)
        return [doc_id for doc_id in self.store.doc_ids() if doc_id in wanted]
