"""The curated reference table: the fact model (``facts``), the values facts are written in
(``values``), reading and validating the table (``table``) and adding to it (``editing``).
Matching claims to facts is linking's job (``figcheck.linking.names``)."""

from figcheck.reference.editing import (
    LOCK_NAME,
    FactRejected,
    TableBusy,
    TableLock,
    TableWriteFailed,
    add_fact,
    choose_file,
    topic_file_name,
    write_atomically,
)
from figcheck.reference.facts import (
    COMPATIBLE_KINDS,
    FACT_KINDS,
    RANKS,
    FactKind,
    Rank,
    ReferenceFact,
    fact_ref,
    render_value,
    same_property,
    values_agree,
)
from figcheck.reference.table import (
    DEFAULT_FOLDER,
    FactLocation,
    Problem,
    ReferenceTable,
    ReferenceTableError,
    check_folder,
    table_files,
)
from figcheck.reference.values import DateSpan, duration_days, timex_bounds

__all__ = [
    "COMPATIBLE_KINDS", "DEFAULT_FOLDER", "FACT_KINDS", "LOCK_NAME", "RANKS", "DateSpan", "FactKind",
    "FactLocation", "FactRejected", "Problem", "Rank", "ReferenceFact", "ReferenceTable",
    "ReferenceTableError", "TableBusy", "TableLock", "TableWriteFailed", "add_fact", "check_folder",
    "choose_file", "duration_days", "fact_ref", "render_value", "same_property", "table_files",
    "timex_bounds", "topic_file_name", "values_agree", "write_atomically",
]
