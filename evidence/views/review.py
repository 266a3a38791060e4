"""Reviewers' pages: their calls and queues, a response with the review form, excerpts,
attached files.

Who may: reviewers of the call (`evidence.review_call`), and within it only the responses
`reviews_for_reviewer` gives them (assignment, conflicts, active phase); any other response
is a 404. A call the person may see but not review is a 403.
"""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView, TemplateView

from evidence.bulk_rows import bulk_rows
from evidence.enums import ReviewFlag, ReviewState
from evidence.forms.review import ExcerptForm, ReviewForm, ReviewQueueFilterForm, call_themes
from evidence.models import Attachment, Excerpt, ThemeSuggestion
from evidence.selectors import calls_for_user
from evidence.selectors.review import (
    QueueFilters,
    calls_reviewed_by,
    campaign_groups_for_call,
    campaign_job_latest,
    queue_neighbours,
    review_for_reviewer,
    review_page,
    review_queue,
    review_rules,
    search_snippets,
)
from evidence.services.bulk import BULK_INLINE_LIMIT, BULK_JOB, bulk_apply, bulk_start
from evidence.services.campaigns import campaign_split, campaigns_group_start
from evidence.services.review import (
    ReviewInput,
    StaleReview,
    excerpt_create,
    excerpt_remove,
    review_save,
    submission_code,
)
from evidence.services.suggestions import suggestion_decide, themes_suggest_start
from evidence.views.downloads import CONTENT_TYPES
from levelup.models import Job
from levelup.pagination import IdsFirstPaginator
from levelup.views import PrivatePageMixin, error_message_from, form_error_from

from .calls import PAGE_SIZE, CallManageMixin


class MyReviewsView(PrivatePageMixin, ListView):
    """Every call the person reviews, with how far through their queue they are."""

    template_name = "evidence/review/my_reviews.html"
    permission_required = "evidence.review_any"
    context_object_name = "calls"

    def get_queryset(self):
        return calls_reviewed_by(user=self.request.user)


class ReviewCallMixin(PrivatePageMixin):
    """A reviewer's page of one call, found by `slug` in the URL."""

    permission_required = "evidence.review_call"
    object_name = "call"

    def object_from_selector(self):
        return get_object_or_404(calls_for_user(user=self.request.user), slug=self.kwargs["slug"])

    @cached_property
    def rules(self):
        return review_rules(call=self.call)

    @cached_property
    def themes(self):
        """The call's code frame, read once for every form on the page."""
        return list(call_themes(self.call))

    def filter_form(self) -> ReviewQueueFilterForm:
        return ReviewQueueFilterForm(self.request.GET or None, call=self.call, themes=self.themes)

    def queue_filters(self, form: ReviewQueueFilterForm) -> QueueFilters:
        return QueueFilters(**form.filters())

    def query_string(self) -> str:
        query = self.request.GET.copy()
        query.pop("page", None)
        return query.urlencode()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rules"] = self.rules
        context["identity_hidden"] = self.rules.identity_hidden
        context["query"] = self.query_string()
        return context


class ReviewQueueView(ReviewCallMixin, ListView):
    """The person's responses to review in one call: search, filters, sort, pages."""

    template_name = "evidence/review/queue.html"
    context_object_name = "reviews"
    paginate_by = PAGE_SIZE
    paginator_class = IdsFirstPaginator

    def get_queryset(self):
        self.form = self.filter_form()
        self.filters = self.queue_filters(self.form)
        return review_queue(
            user=self.request.user, call=self.call, rules=self.rules, filters=self.filters
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.form
        context["filtered"] = bool(context["query"])
        reviews = context["reviews"]
        snippets = search_snippets(
            submission_ids=[r.submission_id for r in reviews], term=self.filters.q
        )
        for review in reviews:
            review.snippet = snippets.get(review.submission_id)
            review.flag_labels = [ReviewFlag(flag).label for flag in review.flags]
        context["themes"] = self.themes
        context["review_states"] = ReviewState.choices
        context["review_flags"] = ReviewFlag.choices
        return context


class ReviewResponseView(ReviewCallMixin, TemplateView):
    """One response: answers and files' text beside the review form; next and previous."""

    template_name = "evidence/review/response.html"

    @cached_property
    def review(self):
        return review_for_reviewer(
            user=self.request.user,
            call=self.call,
            public_id=self.kwargs["public_id"],
            rules=self.rules,
        )

    def page_url(self, submission=None, anchor: str = "") -> str:
        submission = submission or self.review.submission
        url = reverse(
            "evidence:review-response",
            kwargs={"slug": self.call.slug, "public_id": submission.public_id},
        )
        query = self.query_string()
        return f"{url}{'?' + query if query else ''}{anchor}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.review
        page = review_page(review=review, rules=self.rules)
        form = context.get("form") or ReviewForm(
            call=self.call,
            criteria=page.criteria,
            rules=self.rules,
            themes=self.themes,
            initial={
                "version": review.version,
                "confidence": review.confidence,
                "notes": review.notes,
                "flags": review.flags,
                "themes": sorted(page.coded_theme_ids),
                "themes_before": ",".join(str(pk) for pk in sorted(page.coded_theme_ids)),
                **{f"score_{pk}": value for pk, value in page.scores.items()},
            },
        )
        excerpt_form = context.get("excerpt_form") or ExcerptForm(
            call=self.call, answers=page.answers, attachments=page.attachments, themes=self.themes
        )
        filters = self.queue_filters(self.filter_form())
        queue = review_queue(
            user=self.request.user, call=self.call, rules=self.rules, filters=filters
        )
        previous, following, position, length = queue_neighbours(queue, review=review)
        context.update(
            review=review,
            submission=review.submission,
            page=page,
            form=form,
            excerpt_form=excerpt_form,
            previous_url=self.page_url(previous) if previous else None,
            next_url=self.page_url(following) if following else None,
            position=position,
            queue_length=length,
            queue_url=reverse("evidence:review-queue", kwargs={"slug": self.call.slug})
            + (f"?{context['query']}" if context["query"] else ""),
            score_rows=[
                (form[name], criterion)
                for name, criterion in zip(form.score_fields, form.criteria, strict=False)
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        review = self.review
        page = review_page(review=review, rules=self.rules)
        form = ReviewForm(
            request.POST,
            call=self.call,
            criteria=page.criteria,
            rules=self.rules,
            themes=self.themes,
        )
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = ReviewInput(
            scores=form.scores(),
            confidence=form.cleaned_data["confidence"],
            notes=form.cleaned_data["notes"],
            flags=form.cleaned_data["flags"],
            mark_reviewed=request.POST.get("action") in ("reviewed", "reviewed_next"),
        )
        try:
            saved = review_save(
                actor=request.user, review=review, version=form.cleaned_data["version"], data=data
            )
            if "themes" in form.fields:
                chosen = list(form.cleaned_data["themes"])
                chosen_ids = {t.pk for t in chosen}
                shown = form.themes_shown()
                submission_code(
                    actor=request.user,
                    submission=review.submission,
                    add=[t for t in chosen if t.pk not in page.coded_theme_ids],
                    remove=[
                        t
                        for t in form.fields["themes"].themes
                        if t.pk in shown and t.pk not in chosen_ids
                    ],
                )
        except StaleReview as exc:
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    stale=exc,
                    stale_scores=[(c, exc.current_scores.get(c.pk)) for c in page.criteria],
                    status=409,
                ),
                status=409,
            )
        except ValidationError as exc:
            form_error_from(form, exc)
            return self.render_to_response(self.get_context_data(form=form))
        action = request.POST.get("action", "save")
        if action in ("reviewed", "reviewed_next") and saved.state == ReviewState.REVIEWED:
            message = _("Review of %(ref)s saved and marked done.")
        else:
            message = _("Review of %(ref)s saved.")
        messages.success(request, message % {"ref": review.submission.reference})
        if action in ("next", "reviewed_next"):
            queue = review_queue(
                user=request.user,
                call=self.call,
                rules=self.rules,
                filters=self.queue_filters(self.filter_form()),
            )
            _previous, following, _position, _length = queue_neighbours(queue, review=review)
            if following is not None:
                return redirect(self.page_url(following))
        return redirect(self.page_url())


class ReviewResponseActionMixin(ReviewCallMixin):
    """A form post on one response under review."""

    http_method_names = ["post"]

    def get_review(self):
        return review_for_reviewer(
            user=self.request.user,
            call=self.call,
            public_id=self.kwargs["public_id"],
            rules=self.rules,
        )

    def back(self, review, anchor: str = ""):
        url = reverse(
            "evidence:review-response",
            kwargs={"slug": self.call.slug, "public_id": review.submission.public_id},
        )
        query = self.request.POST.get("query", "")
        return redirect(f"{url}{'?' + query if query else ''}{anchor}")


class ExcerptCreateView(ReviewResponseView):
    """Quote a span of an answer or file (from the selection's offsets or the pasted words)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        review = self.review
        page = review_page(review=review, rules=self.rules)
        form = ExcerptForm(
            request.POST,
            call=self.call,
            answers=page.answers,
            attachments=page.attachments,
            themes=self.themes,
        )
        if form.is_valid():
            try:
                excerpt = excerpt_create(
                    actor=request.user,
                    review=review,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    quote=form.cleaned_data["quote"],
                    theme=form.cleaned_data["theme"],
                    note=form.cleaned_data["note"],
                    **form.target(),
                )
            except ValidationError as exc:
                form_error_from(form, exc)
            else:
                messages.success(
                    request,
                    _("Excerpt %(anchor)s saved.") % {"anchor": excerpt.anchor},
                )
                return redirect(self.page_url(anchor=f"#excerpt-{excerpt.number}"))
        return self.render_to_response(self.get_context_data(excerpt_form=form))


class ExcerptRemoveView(ReviewResponseActionMixin, View):
    def post(self, request, *args, **kwargs):
        review = self.get_review()
        excerpt = get_object_or_404(Excerpt, pk=kwargs["pk"], submission=review.submission)
        excerpt.submission = review.submission
        try:
            excerpt_remove(actor=request.user, review=review, excerpt=excerpt)
        except ValidationError as exc:
            error_message_from(request, exc)
        else:
            messages.success(request, _("Excerpt %(anchor)s removed.") % {"anchor": excerpt.anchor})
        return self.back(review, "#excerpts")


class ReviewAttachmentView(ReviewCallMixin, View):
    """A file of a response the person reviews. In anonymised review its name is the
    response's reference, never the name the respondent gave it."""

    def get(self, request, *args, **kwargs):
        review = review_for_reviewer(
            user=request.user, call=self.call, public_id=kwargs["public_id"], rules=self.rules
        )
        attachments = list(
            Attachment.objects.filter(submission=review.submission).order_by("created_at", "pk")
        )
        numbers = {attachment.pk: n for n, attachment in enumerate(attachments, start=1)}
        if kwargs["pk"] not in numbers:
            raise Http404
        number = numbers[kwargs["pk"]]
        attachment = attachments[number - 1]
        if self.rules.identity_hidden:
            filename = f"{review.submission.reference}-attachment-{number}.{attachment.kind}"
        else:
            filename = attachment.original_name
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type=CONTENT_TYPES[attachment.kind],
        )
        response["Cache-Control"] = "private, no-store"
        return response


class CampaignSplitView(ReviewResponseActionMixin, View):
    """Take the response out of its campaign group, to read and code it on its own."""

    def post(self, request, *args, **kwargs):
        review = self.get_review()
        try:
            campaign_split(actor=request.user, submission=review.submission)
        except ValidationError as exc:
            error_message_from(request, exc)
        else:
            messages.success(
                request,
                _("%(ref)s is no longer part of its campaign group.")
                % {"ref": review.submission.reference},
            )
        return self.back(review)


class CampaignsView(CallManageMixin, TemplateView):
    """The secretariat's campaign groups of a call, and the button that finds them again."""

    template_name = "evidence/review/campaigns.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = campaign_groups_for_call(call=self.call)
        context["job"] = campaign_job_latest(call=self.call)
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("what") == "suggestions":
            themes_suggest_start(actor=request.user, call=self.call)
            messages.success(
                request,
                _("Suggesting themes for responses without one. Reviewers see them when done."),
            )
        else:
            campaigns_group_start(actor=request.user, call=self.call)
            messages.success(
                request, _("Looking for campaigns now. This page shows the groups when it is done.")
            )
        return redirect("evidence:manage-campaigns", slug=self.call.slug)


class SuggestionDecideView(ReviewResponseActionMixin, View):
    """Accept or reject a theme the server suggested for this response."""

    def post(self, request, *args, **kwargs):
        review = self.get_review()
        suggestion = get_object_or_404(
            ThemeSuggestion, pk=kwargs["pk"], submission=review.submission
        )
        accept = request.POST.get("decision") == "accept"
        if not self.rules.may_code:
            messages.error(request, _("Coding is not open in this review phase."))
            return self.back(review)
        try:
            suggestion_decide(actor=request.user, suggestion=suggestion, accept=accept)
        except ValidationError as exc:
            error_message_from(request, exc)
        else:
            message = (
                _("Theme “%(theme)s” added.") if accept else _("Suggestion “%(theme)s” rejected.")
            )
            messages.success(request, message % {"theme": suggestion.theme.name})
        return self.back(review, "#suggestions")


class BulkActionMixin:
    """A bulk action posted from a filtered list; `scope` says whose rows it may touch."""

    http_method_names = ["post"]
    scope = "reviewer"

    def list_url(self, query: str) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        query = request.POST.get("query", "")
        action, value = request.POST.get("action", ""), request.POST.get("value", "")
        submission_ids, review_ids, rules = bulk_rows(
            user=request.user, call=self.call, scope=self.scope, query=QueryDict(query)
        )
        try:
            if len(submission_ids) > BULK_INLINE_LIMIT:
                job = bulk_start(
                    actor=request.user,
                    call=self.call,
                    action=action,
                    value=value,
                    query=query,
                    scope=self.scope,
                    total=len(submission_ids),
                )
                return redirect("evidence:bulk-job", pk=job.pk)
            changed = bulk_apply(
                actor=request.user,
                call=self.call,
                action=action,
                value=value,
                submission_ids=submission_ids,
                review_ids=review_ids,
                may_score=rules.may_score if rules else True,
            )
        except ValidationError as exc:
            error_message_from(request, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Done: %(changed)s of %(n)s response changed.",
                    "Done: %(changed)s of %(n)s responses changed.",
                    len(submission_ids),
                )
                % {"changed": changed, "n": len(submission_ids)},
            )
        return redirect(self.list_url(query))


class ReviewBulkView(BulkActionMixin, ReviewCallMixin, View):
    """Code, set the state of or flag every response of the reviewer's filtered queue."""

    def list_url(self, query: str) -> str:
        url = reverse("evidence:review-queue", kwargs={"slug": self.call.slug})
        return f"{url}?{query}" if query else url


class SubmissionBulkView(BulkActionMixin, CallManageMixin, View):
    """Code every response of the secretariat's filtered list with a theme."""

    scope = "secretariat"

    def list_url(self, query: str) -> str:
        url = reverse("evidence:manage-submissions", kwargs={"slug": self.call.slug})
        return f"{url}?{query}" if query else url


class BulkJobView(PrivatePageMixin, TemplateView):
    """The progress of the person's own bulk action (refresh, or JavaScript polls)."""

    template_name = "evidence/review/bulk_job.html"
    permission_required = "levelup.view_account"
    object_name = "job"

    def object_from_selector(self):
        # Only the person who started it sees it: anyone else gets a 404.
        return get_object_or_404(
            Job, pk=self.kwargs["pk"], kind=BULK_JOB, created_by=self.request.user
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        context["call"] = job.target
        context["percent"] = (
            round(100 * job.progress_done / job.progress_total) if job.progress_total else 0
        )
        return context
