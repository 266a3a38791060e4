from django.core.management.base import BaseCommand

from evidence.synthetic import SYNTHETIC_SLUG, generate_synthetic_evidence


class Command(BaseCommand):
    help = (
        "Create one open call with questions and many responses, with their reviews, codings, "
        "excerpts, moderation and a published report, for benchmarks (replaces the call "
        f"'{SYNTHETIC_SLUG}' if it exists). Not for real data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--submissions", type=int, default=100_000)
        parser.add_argument("--batch-size", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--without-review",
            action="store_true",
            help="only the responses: no reviews, codings, excerpts, moderation or report",
        )

    def handle(
        self, *args, submissions: int, batch_size: int, seed: int, without_review: bool, **options
    ) -> None:
        call = generate_synthetic_evidence(
            submissions=submissions,
            batch_size=batch_size,
            seed=seed,
            review=not without_review,
            stdout=self.stdout,
        )
        self.stdout.write(
            self.style.SUCCESS(f"{submissions:,} responses in the call '{call.slug}'.")
        )
