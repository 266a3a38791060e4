from django.db import migrations

# Existing responses get their search vector once; the services keep it from then on
# (evidence/services/search.py: answers weigh A, attachments' text B, never who responded).
BACKFILL_SQL = """
    UPDATE evidence_submission AS s
    SET search_vector =
        setweight(to_tsvector('english', coalesce((
            SELECT string_agg(
                a.text || ' ' || coalesce(
                    (SELECT string_agg(v, ' ') FROM jsonb_array_elements_text(a."values") AS v),
                    ''),
                E'\\n' ORDER BY a.id)
            FROM evidence_answer AS a WHERE a.submission_id = s.id), '')), 'A')
        || setweight(to_tsvector('english', coalesce((
            SELECT string_agg(t.extracted_text, E'\\n' ORDER BY t.id)
            FROM evidence_attachment AS t WHERE t.submission_id = s.id), '')), 'B')
    WHERE s.search_vector IS NULL
"""


class Migration(migrations.Migration):
    dependencies = [("evidence", "0011_jobs_for_pending_work")]

    operations = [migrations.RunSQL(BACKFILL_SQL, migrations.RunSQL.noop, elidable=True)]
