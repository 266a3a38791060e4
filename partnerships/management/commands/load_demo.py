from django.core.management.base import BaseCommand

from evidence.demo import load_evidence
from levelup.demo import load_core
from partnerships.demo import load_partnerships


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options) -> None:
        load_core()
        load_evidence()
        load_partnerships()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
