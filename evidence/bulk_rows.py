"""The rows a bulk action applies to: a filtered list read again as the person who acts."""

from django.http import QueryDict

from evidence.forms import SubmissionFilterForm
from evidence.forms.review import ReviewQueueFilterForm
from evidence.models import CallForEvidence
from evidence.selectors import submissions_for_secretariat
from evidence.selectors.review import QueueFilters, ReviewRules, review_queue, review_rules
from levelup.models import User


def bulk_rows(
    *, user: User, call: CallForEvidence, scope: str, query: QueryDict
) -> tuple[list[int], list[int] | None, ReviewRules | None]:
    """(response ids, the person's review ids or None, the call's review rules or None)."""
    if scope == "reviewer":
        rules = review_rules(call=call)
        form = ReviewQueueFilterForm(query or None, call=call)
        reviews = review_queue(
            user=user, call=call, rules=rules, filters=QueueFilters(**form.filters())
        ).order_by()
        pairs = list(reviews.values_list("submission_id", "pk"))
        return [s for s, _r in pairs], [r for _s, r in pairs], rules
    if not user.has_perm("evidence.manage_call", call):
        return [], None, None
    form = SubmissionFilterForm(query or None)
    filters = form.cleaned_data if form.is_valid() else {}
    ids = list(
        submissions_for_secretariat(call=call, **filters).order_by().values_list("pk", flat=True)
    )
    return ids, None, None
