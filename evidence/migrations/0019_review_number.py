"""The response's reference number on each review, for reading a reviewer's queue in
reference order from one index (docs/benchmarks.md, "Review").

The number is copied by a trigger, not by the services, so every way reviews are written
(the ORM, automatic assignment's COPY, the synthetic data's COPY) fills it. A response's
number never changes once it is sent, and a review never moves to another response; the
trigger also covers a change of `submission_id` so the copy cannot go stale if that
changes.
"""

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

import evidence.models.responding

BACKFILL = """
UPDATE evidence_review AS r SET number = s.number
  FROM evidence_submission AS s
 WHERE s.id = r.submission_id AND r.number IS DISTINCT FROM s.number
"""

TRIGGER = """
CREATE FUNCTION evidence_review_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT s.number INTO NEW.number FROM evidence_submission AS s WHERE s.id = NEW.submission_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER evidence_review_number
    BEFORE INSERT OR UPDATE OF submission_id ON evidence_review
    FOR EACH ROW EXECUTE FUNCTION evidence_review_number();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS evidence_review_number ON evidence_review;
DROP FUNCTION IF EXISTS evidence_review_number();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0018_review_spread"),
        ("levelup", "0005_ratecounter"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="number",
            field=models.PositiveIntegerField(
                editable=False, null=True, verbose_name="reference number"
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=True),
        migrations.RunSQL(TRIGGER, DROP_TRIGGER),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                fields=["reviewer", "call", "number", "id"],
                include=("submission",),
                name="review_queue_number",
            ),
        ),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(
                models.F("call"),
                django.db.models.functions.text.Lower(
                    evidence.models.responding._CollapseSpaces(
                        django.db.models.functions.text.Trim("organisation_name")
                    )
                ),
                name="submission_call_organisation",
            ),
        ),
    ]
