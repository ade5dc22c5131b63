"""App configuration for evidence: renders a public copy of every new original video."""

from django.apps import AppConfig

from testimonies.changes import original_stored


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        from evidence.signals import on_original_stored  # imports models: only once apps are ready

        original_stored.connect(on_original_stored, dispatch_uid="evidence-public-copy")
