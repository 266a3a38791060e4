from django.core.management.base import BaseCommand

from evidence.services.search import submission_search_backfill


class Command(BaseCommand):
    help = "Fill the full-text search vector of responses (those without one, or all with --all)."

    def add_arguments(self, parser):
        parser.add_argument("--call", type=int, default=None, help="Only this call's id.")
        parser.add_argument("--all", action="store_true", help="Recompute every response.")

    def handle(self, *args, call: int | None, all: bool, **options) -> None:
        updated = submission_search_backfill(call_id=call, only_missing=not all)
        self.stdout.write(self.style.SUCCESS(f"{updated:,} responses indexed for search."))
