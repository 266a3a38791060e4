"""Writes on calls, questions and submissions. Keyword-only, one transaction, audited."""

from .attachments import attachment_add, attachment_extract_text, attachment_remove
from .calls import (
    call_create,
    call_transition,
    call_update,
    calls_sync_status,
    question_create,
    question_move,
    question_update,
    section_create,
    section_move,
    section_update,
)
from .dashboard import dashboard_counts_refresh
from .submissions import (
    continue_token_hash,
    late_link_issue,
    submission_answers_save,
    submission_continue_link_send,
    submission_details_save,
    submission_enter_on_behalf,
    submission_may_withdraw,
    submission_start,
    submission_submit,
    submission_withdraw,
)

__all__ = [
    "attachment_add",
    "attachment_extract_text",
    "attachment_remove",
    "call_create",
    "call_transition",
    "call_update",
    "calls_sync_status",
    "continue_token_hash",
    "dashboard_counts_refresh",
    "late_link_issue",
    "question_create",
    "question_move",
    "question_update",
    "section_create",
    "section_move",
    "section_update",
    "submission_answers_save",
    "submission_continue_link_send",
    "submission_details_save",
    "submission_enter_on_behalf",
    "submission_may_withdraw",
    "submission_start",
    "submission_submit",
    "submission_withdraw",
]
