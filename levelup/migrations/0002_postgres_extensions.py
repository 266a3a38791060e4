# pg_trgm (near-duplicate grouping) and unaccent (full-text search) are used by later features;
# they ship with PostgreSQL's contrib and are trusted extensions, so the app's role may create them.
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("levelup", "0001_initial")]

    operations = [TrigramExtension(), UnaccentExtension()]
