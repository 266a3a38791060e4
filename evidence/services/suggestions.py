"""Theme suggestions computed on the server: no response ever leaves levelup.

Each theme is described by the words (English stems, from PostgreSQL's text search) of its
name and description and of the text already coded with it: its excerpts and the answers of
responses coded with it. A word counts for a theme by how often it comes with the theme and
how rare it is across the call (TF-IDF). An uncoded response is suggested the themes whose
words it uses most, with those words shown as the reason. A person accepts or rejects each
suggestion; an accepted one becomes a coding marked as such.
"""

import math
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.enums import CodingSource, SubmissionStatus, SuggestionStatus
from evidence.models import CallForEvidence, Coding, Excerpt, Submission, Theme, ThemeSuggestion
from levelup.audit import audit_record
from levelup.jobs import job_enqueue
from levelup.models import User

from .review import submission_code

SUGGEST_JOB = "evidence.themes_suggest"
WORDS_PER_THEME = 25
SUGGESTIONS_PER_RESPONSE = 3
MIN_SCORE = 0.15
CODED_SAMPLE = 300  # answers of coded responses read per theme


def _lexemes(text: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector('english', %s))", [text])
        return list(cursor.fetchone()[0] or [])


def _document_frequency(call: CallForEvidence) -> tuple[Counter, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM evidence_submission WHERE call_id = %s "
            "AND search_vector IS NOT NULL",
            [call.pk],
        )
        total = cursor.fetchone()[0]
        # ts_stat takes a query as text; the call id is an integer we format ourselves.
        inner = "SELECT search_vector FROM evidence_submission WHERE search_vector IS NOT NULL"
        inner += f" AND call_id = {int(call.pk)}"
        cursor.execute("SELECT word, ndoc FROM ts_stat(%s)", [inner])
        return Counter(dict(cursor.fetchall())), total


def theme_profiles(call: CallForEvidence) -> dict[int, dict[str, float]]:
    """Each current theme's characteristic words with their weight."""
    themes = list(Theme.objects.filter(call=call, merged_into__isnull=True))
    df, total = _document_frequency(call)
    total = max(total, 1)
    counts: dict[int, Counter] = defaultdict(Counter)
    for theme in themes:
        for word in _lexemes(f"{theme.name} {theme.name} {theme.description}"):
            counts[theme.pk][word] += 3
    for theme_id, text in Excerpt.objects.filter(call=call, theme__isnull=False).values_list(
        "theme_id", "text"
    ):
        for word in _lexemes(text):
            counts[theme_id][word] += 2
    for theme in themes:
        coded = list(
            Coding.objects.filter(theme=theme, removed_at__isnull=True).values_list(
                "submission_id", flat=True
            )[:CODED_SAMPLE]
        )
        if not coded:
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT unnest(tsvector_to_array(search_vector)) FROM evidence_submission "
                "WHERE id = ANY(%s)",
                [coded],
            )
            for (word,) in cursor.fetchall():
                counts[theme.pk][word] += 1
    profiles = {}
    for theme_id, words in counts.items():
        weighted = {
            word: count * math.log((1 + total) / (1 + df.get(word, 0)))
            for word, count in words.items()
        }
        top = sorted(weighted.items(), key=lambda item: (-item[1], item[0]))[:WORDS_PER_THEME]
        norm = math.sqrt(sum(w * w for _word, w in top)) or 1
        profiles[theme_id] = {word: w / norm for word, w in top if w > 0}
    return profiles


@transaction.atomic
def themes_suggest(*, call: CallForEvidence, progress=None) -> dict[str, int]:
    """Suggest themes for the call's sent responses that have no theme yet. Idempotent:
    decided suggestions stay as they are; waiting ones are computed again."""
    profiles = theme_profiles(call)
    if not profiles:
        return {"responses": 0, "suggestions": 0}
    coded = Coding.objects.filter(submission=OuterRef("pk"), removed_at__isnull=True)
    uncoded = (
        Submission.objects.filter(
            call=call, status=SubmissionStatus.SUBMITTED, search_vector__isnull=False
        )
        .exclude(Exists(coded))
        .values_list("pk", flat=True)
    )
    decided = set(
        ThemeSuggestion.objects.filter(call=call)
        .exclude(status=SuggestionStatus.PENDING)
        .values_list("submission_id", "theme_id")
    )
    ThemeSuggestion.objects.filter(call=call, status=SuggestionStatus.PENDING).delete()
    ids = list(uncoded)
    created = []
    for start in range(0, len(ids), 2000):
        batch = ids[start : start + 2000]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, tsvector_to_array(search_vector) FROM evidence_submission "
                "WHERE id = ANY(%s)",
                [batch],
            )
            rows = cursor.fetchall()
        for submission_id, words in rows:
            present = set(words or [])
            scored = []
            for theme_id, profile in profiles.items():
                matched = [(w, weight) for w, weight in profile.items() if w in present]
                score = sum(weight for _w, weight in matched)
                if score >= MIN_SCORE and (submission_id, theme_id) not in decided:
                    reasons = [w for w, _weight in sorted(matched, key=lambda m: -m[1])[:6]]
                    scored.append((score, theme_id, reasons))
            scored.sort(key=lambda item: (-item[0], item[1]))
            for score, theme_id, reasons in scored[:SUGGESTIONS_PER_RESPONSE]:
                created.append(
                    ThemeSuggestion(
                        call=call,
                        submission_id=submission_id,
                        theme_id=theme_id,
                        score=round(score, 4),
                        words=reasons,
                    )
                )
        if progress is not None:
            progress(min(start + 2000, len(ids)))
    ThemeSuggestion.objects.bulk_create(created, batch_size=2000, ignore_conflicts=True)
    result = {"responses": len(ids), "suggestions": len(created)}
    audit_record(actor=None, action="evidence.themes.suggest", target=call, changes=result)
    return result


@transaction.atomic
def themes_suggest_start(*, actor: User, call: CallForEvidence):
    return job_enqueue(actor=actor, kind=SUGGEST_JOB, target=call, params={"call_id": call.pk})


@transaction.atomic
def suggestion_decide(*, actor: User, suggestion: ThemeSuggestion, accept: bool) -> ThemeSuggestion:
    """Accept (the theme is coded, marked as an accepted suggestion) or reject a suggestion."""
    locked = (
        ThemeSuggestion.objects.select_for_update()
        .select_related("submission__call", "theme")
        .get(pk=suggestion.pk)
    )
    if locked.status != SuggestionStatus.PENDING:
        if locked.status == (SuggestionStatus.ACCEPTED if accept else SuggestionStatus.REJECTED):
            return locked
        raise ValidationError(_("This suggestion has already been decided."))
    if accept:
        submission_code(
            actor=actor,
            submission=locked.submission,
            add=[locked.theme],
            source=CodingSource.SUGGESTION,
        )
    locked.status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action="evidence.suggestion.accept" if accept else "evidence.suggestion.reject",
        target=locked.submission,
        changes={"theme": locked.theme.name, "words": locked.words},
    )
    return locked
