"""The review's copy of its response's number is filled however the review is written.

Bulk loads (the synthetic data) copy rows with `session_replication_role = replica`, which
skips the foreign-key checks and, with them, every ordinary trigger: reviews written that way
had no number and fell out of their reviewer's queue. `ENABLE ALWAYS` makes the trigger fire
in that mode too; the reviews written without it are filled again.
"""

from django.db import migrations

ALWAYS = "ALTER TABLE evidence_review ENABLE ALWAYS TRIGGER evidence_review_number"
ORIGIN = "ALTER TABLE evidence_review ENABLE TRIGGER evidence_review_number"

BACKFILL = """
UPDATE evidence_review AS r SET number = s.number
  FROM evidence_submission AS s
 WHERE s.id = r.submission_id AND r.number IS DISTINCT FROM s.number
"""


class Migration(migrations.Migration):
    dependencies = [("evidence", "0019_review_number")]

    operations = [
        migrations.RunSQL(ALWAYS, ORIGIN),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=True),
    ]
