from django.apps import AppConfig


class AftercareConfig(AppConfig):
    """后续扶持 and 防返贫 (docs/formats.md §3): employment, quarterly income, support plans,
    continuity, risks and site safety, on the floor beside archive and supervision."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "aftercare"
    verbose_name = "后续扶持"

    def ready(self):
        # The 后扶帮扶卡 (workflows, a floor below) prints the quarterly table from our records.
        from workflows.households.document_types import follow_up

        from .card import follow_up_card_records

        follow_up.set_records_provider(follow_up_card_records)
        # The hazard photos are re-hashed with the documents and evidence (documents/fixity.py).
        from documents import fixity

        from .hazards import STORAGE_PREFIX, photo_rows

        fixity.register_source("隐患照片", STORAGE_PREFIX, photo_rows)
