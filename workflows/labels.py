"""The names officials read for stages and steps, read from the two stage tables — the inbox, the
case and site pages, the histories and the API all ask here, so a step is called the same
everywhere."""

from registry.models import HouseholdStage, SiteStage
from workflows.households import stages as household_stages
from workflows.sites import stages as site_stages

HOUSEHOLD, SITE = "household", "site"


def stage_label(code, lifecycle: str = HOUSEHOLD) -> str:
    """The stage's name, from the case's own table first (a code unknown to both reads as itself)."""
    first, second = (SiteStage, HouseholdStage) if lifecycle == SITE else (HouseholdStage, SiteStage)
    for choices in (first, second):
        if code in choices.values:
            return str(choices(code).label)
    return str(code)


def _household_step(code):
    for stage in household_stages.HOUSEHOLD_STAGES:
        if code in stage.step_codes:
            return stage, stage.step(code)
    other = next((s for s in household_stages.OTHER_STEPS if s.code == code), None)
    return (None, other) if other else None


def find_step(code, lifecycle: str = HOUSEHOLD):
    """(stage or None, step) of a step code — a stage step, or one of the acts outside the stages
    (评议, 异议处理, 清退, 保留旧房) — from the case's own table first; None when unknown."""
    tables = (site_stages.step_anywhere, _household_step) if lifecycle == SITE else (
        _household_step, site_stages.step_anywhere)
    for find in tables:
        found = find(code)
        if found:
            return found
    return None


def step_label(code, lifecycle: str = HOUSEHOLD) -> str | None:
    found = find_step(code, lifecycle)
    return found[1].label if found else None


def task_title(code: str) -> str:
    """A task's title in the inbox: the stage it belongs to and the step (安置点 for a site's)."""
    household = _household_step(code)
    if household:
        stage, step = household
        group = stage.label if stage else household_stages.REMOVAL_LABEL
        return f"{group} · {step.label}"
    site = site_stages.step_anywhere(code)
    if site:
        return f"安置点{site[0].label} · {site[1].label}"
    return code
