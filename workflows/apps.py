from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "搬迁流程"

    def ready(self):
        # Imported for their side effects once the models are loaded: document types register with
        # the documents engine, signal receivers connect, admin pages register.
        from workflows.households import document_types, signals  # noqa: F401
        from workflows.records import ledgers, level  # noqa: F401
        from workflows.sites import admin, document_types as site_document_types, signals as site_signals  # noqa: F401,I001

        _register_evidence_kinds()


def _register_evidence_kinds():
    """The evidence pages (documents, a floor below) offer the kinds each stage asks for."""
    from documents.evidence.batch import register_stage_kinds
    from workflows.households.stages import STAGES
    from workflows.sites.stages import stage as site_stage

    register_stage_kinds("household", lambda code: STAGES[code].all_evidence if code in STAGES else ())
    register_stage_kinds("site", lambda code: site_stage(code).all_evidence if site_stage(code) else ())
