"""Reads that decide what a user may see of calls and evidence; import them from here."""

from .calls import (
    bodies_run_by,
    calls_closed,
    calls_for_user,
    calls_managed_by,
    calls_open,
    calls_run_by,
    calls_upcoming,
    sections_with_questions,
)
from .imports import (
    import_jobs_for_call,
)
from .responding import (
    Problem,
    attachments_by_question,
    required_files_missing,
    submission_answers_by_question,
    submission_attachments,
    submission_by_continue_token,
    submission_draft_for_visitor,
    submission_for_respondent,
    submission_late_link_get,
    submission_problems,
    submission_summary,
    submissions_for_respondent,
)
from .responses import (
    DayCount,
    call_dashboard_counts,
    late_links_for_call,
    submission_for_secretariat,
    submissions_for_secretariat,
)

__all__ = [
    "DayCount",
    "Problem",
    "attachments_by_question",
    "bodies_run_by",
    "call_dashboard_counts",
    "calls_closed",
    "calls_for_user",
    "calls_managed_by",
    "calls_open",
    "calls_run_by",
    "calls_upcoming",
    "import_jobs_for_call",
    "late_links_for_call",
    "required_files_missing",
    "sections_with_questions",
    "submission_answers_by_question",
    "submission_attachments",
    "submission_by_continue_token",
    "submission_draft_for_visitor",
    "submission_for_respondent",
    "submission_for_secretariat",
    "submission_late_link_get",
    "submission_problems",
    "submission_summary",
    "submissions_for_respondent",
    "submissions_for_secretariat",
]
