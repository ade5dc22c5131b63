"""App configuration for review: proposes from every new machine transcript."""

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Review"

    def ready(self) -> None:
        from review.signals import on_transcript_stored  # models are ready only now
        from testimonies.changes import transcript_stored

        transcript_stored.connect(on_transcript_stored, dispatch_uid="review-extract")
