"""The discrepancy report: ``findings.json``, ``report.md``, a self-contained ``report.html``; ClaimReview export."""

from figcheck.report.claimreview import ClaimReviewError, Organisation, claimreview, rating
from figcheck.files import write_atomically as write_text_atomically
from figcheck.report.findings_file import FindingsFileError, load_findings, report_order
from figcheck.report.render import ReportPaths, render_html, render_markdown, write_report
from figcheck.report.run import DocumentInfo, FindingSummary, RunCounts, RunInfo, compare_runs, describe_changes

__all__ = [
    "ClaimReviewError",
    "DocumentInfo",
    "FindingSummary",
    "Organisation",
    "FindingsFileError",
    "ReportPaths",
    "RunCounts",
    "RunInfo",
    "claimreview",
    "compare_runs",
    "describe_changes",
    "load_findings",
    "rating",
    "render_html",
    "render_markdown",
    "report_order",
    "write_report",
    "write_text_atomically",
]
