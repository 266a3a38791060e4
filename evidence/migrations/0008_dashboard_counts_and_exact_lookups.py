"""Pre-aggregated counts for the call dashboard (materialised views refreshed by beat), and
B-tree indexes for exact email and reference lookups (so they do not go through the
trigram index)."""

import django.db.models.functions.text
from django.db import migrations, models

DAY_COUNTS = """
CREATE MATERIALIZED VIEW evidence_call_day_counts AS
SELECT call_id,
       (created_at AT TIME ZONE 'Europe/London')::date AS day,
       status,
       COUNT(*)::integer AS n,
       now() AS refreshed_at
FROM evidence_submission
GROUP BY call_id, (created_at AT TIME ZONE 'Europe/London')::date, status;
CREATE UNIQUE INDEX evidence_call_day_counts_key ON evidence_call_day_counts (call_id, day, status);
"""

WHO_COUNTS = """
CREATE MATERIALIZED VIEW evidence_call_who_counts AS
SELECT call_id,
       responding_as,
       organisation_type,
       COALESCE(place_id, 0) AS place_key,
       COUNT(*)::integer AS n
FROM evidence_submission
WHERE number IS NOT NULL
GROUP BY call_id, responding_as, organisation_type, COALESCE(place_id, 0);
CREATE UNIQUE INDEX evidence_call_who_counts_key
    ON evidence_call_who_counts (call_id, responding_as, organisation_type, place_key);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0007_files_in_private_storage"),
    ]

    operations = [
        migrations.RunSQL(DAY_COUNTS, "DROP MATERIALIZED VIEW evidence_call_day_counts"),
        migrations.RunSQL(WHO_COUNTS, "DROP MATERIALIZED VIEW evidence_call_who_counts"),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(
                models.F("call"),
                django.db.models.functions.text.Upper("respondent_email"),
                name="submission_call_email",
            ),
        ),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(
                models.F("call"),
                django.db.models.functions.text.Upper("reference"),
                name="submission_call_reference",
            ),
        ),
    ]
