"""App configuration for search: listens for changed testimonies to keep its indexes current,
and drains the index outbox whenever a worker starts."""

from celery.signals import worker_ready
from django.apps import AppConfig

from testimonies.changes import testimonies_changed


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        from search.signals import (  # imports models: only once apps are ready
            drain_when_a_worker_starts,
            on_testimonies_changed,
        )

        testimonies_changed.connect(on_testimonies_changed, dispatch_uid="search-sync")
        worker_ready.connect(drain_when_a_worker_starts, dispatch_uid="search-drain-at-start")
