from django.core.management.base import BaseCommand

from evidence.synthetic import SYNTHETIC_SLUG, generate_synthetic_evidence


class Command(BaseCommand):
    help = (
        "Create one open call with questions and many responses, for benchmarks "
        f"(replaces the call '{SYNTHETIC_SLUG}' if it exists). Not for real data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--submissions", type=int, default=100_000)
        parser.add_argument("--batch-size", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, submissions: int, batch_size: int, seed: int, **options) -> None:
        call = generate_synthetic_evidence(
            submissions=submissions, batch_size=batch_size, seed=seed, stdout=self.stdout
        )
        self.stdout.write(
            self.style.SUCCESS(f"{submissions:,} responses in the call '{call.slug}'.")
        )
