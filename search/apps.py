"""App configuration for search: listens for changed testimonies to keep its indexes current."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        from search.signals import on_testimonies_changed  # models are ready only now
        from testimonies.changes import testimonies_changed

        testimonies_changed.connect(on_testimonies_changed, dispatch_uid="search-sync")
