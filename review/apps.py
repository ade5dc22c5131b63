"""App configuration for review: proposes from every new machine transcript."""

from django.apps import AppConfig

from testimonies.changes import transcript_stored


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Review"

    def ready(self) -> None:
        from review.signals import on_transcript_stored  # imports models: only once apps are ready

        transcript_stored.connect(on_transcript_stored, dispatch_uid="review-extract")
