"""Background work waiting when this version is deployed becomes jobs, so the sweeper sends it.

Attachments whose text was never read and imports that were queued or running were only
Celery messages before; messages under the old task names do nothing now. A `levelup.Job`
row is made for each, already due, and the next sweep sends it.
"""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Job = apps.get_model("levelup", "Job")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Attachment = apps.get_model("evidence", "Attachment")
    ImportJob = apps.get_model("evidence", "ImportJob")
    due = timezone.now() - timedelta(hours=1)
    attachment_type, _ = ContentType.objects.get_or_create(app_label="evidence", model="attachment")
    import_type, _ = ContentType.objects.get_or_create(app_label="evidence", model="importjob")
    jobs = [
        Job(kind="evidence.extract", content_type=attachment_type, object_id=pk, queued_at=due)
        for pk in Attachment.objects.filter(status="pending").values_list("pk", flat=True)
    ]
    jobs += [
        Job(
            kind="evidence.import",
            content_type=import_type,
            object_id=pk,
            progress_total=total,
            created_by_id=user_id,
            queued_at=due,
        )
        for pk, total, user_id in ImportJob.objects.filter(
            status__in=["queued", "running"]
        ).values_list("pk", "total_rows", "created_by_id")
    ]
    Job.objects.bulk_create(jobs)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("evidence", "0010_question_asked_from"),
        ("levelup", "0003_job"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
