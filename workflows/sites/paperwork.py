"""The documents a site leaves behind, generated through the documents engine once the move that
calls for them has committed (docs/architecture.md decision 4: a failed render never undoes an approved
step; the failure is an audit event and the document can be generated again)."""

import logging


from audit.log import record
from registry.models import ResettlementSite
from registry.models import SiteStage as T
from workflows import outbox
from workflows.sites import stages as site_stages
from workflows.sites.document_types import render_site_document

log = logging.getLogger(__name__)

# Documents about one round of the joint review: they print that round's opinions.
PER_ROUND = {"site_joint_review", "site_plan_approval"}


def after_leaving(site, stage_code: str, round_: int, actor) -> None:
    kinds = list(site_stages._TABLE[stage_code].documents)
    if kinds:
        _schedule(site, kinds, actor, round_)


def after_return(site, stage_code: str, round_: int, actor) -> None:
    """A plan sent back by the joint review goes back with the opinions: its 会审表 is printed."""
    if stage_code == T.PLAN_APPROVAL:
        _schedule(site, ["site_joint_review"], actor, round_)


def _schedule(site, kinds, actor, round_):
    """One outbox row per document in the move's transaction (workflows/outbox.py), rendered after
    commit; a process that dies in between leaves them owed for the drain."""
    outbox.owe_site(kinds, getattr(actor, "pk", None), site,
                    options_for=lambda kind: {"round": round_} if kind in PER_ROUND and round_ is not None else {})


def render_each(kinds, actor_id, site_id, round_=None):
    versions = []
    for kind in kinds:
        options = {"round": round_} if kind in PER_ROUND and round_ is not None else {}
        try:
            versions.append(render_site_document(kind, actor_id=actor_id, site_id=site_id, **options))
        except Exception as exc:  # the step stands; the failure is recorded for a retry
            log.exception("site document %s for site %s failed", kind, site_id)
            _record_failure(kind, site_id, exc)
    return versions


def _record_failure(kind, site_id, exc):
    site = ResettlementSite.objects.filter(pk=site_id).first()
    if site is not None:
        record(None, "document.render_failed", site, {"doc_type": kind, "error": repr(exc)[:500]})
