"""App configuration for search: listens for changed testimonies to keep its indexes current."""

from django.apps import AppConfig

from testimonies.changes import testimonies_changed


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        from search.signals import (
            on_testimonies_changed,  # imports models: only once apps are ready
        )

        testimonies_changed.connect(on_testimonies_changed, dispatch_uid="search-sync")
