"""The scheduled 四性 check (DA/T 70): each county's archive checked as `manage.py check_archive
--area <county>` does, the result stored (FourPropertiesRun, shown on the 四性 page), written to
the audit log and logged — a failure as a warning, so that log monitoring sees it."""

import logging

from audit.log import record
from registry.models import AdminArea, AreaLevel

from .four_properties import PROPERTIES, run_checks
from .models import FourPropertiesRun

log = logging.getLogger(__name__)


def check_county(county: AdminArea) -> FourPropertiesRun:
    report = run_checks(county.code[:6])
    failed = {prop: len(report.of(prop)) for prop in PROPERTIES if report.of(prop)}
    summary = ("四性检测通过：真实性、完整性、可用性、安全性均无问题。" if report.passed else
               "四性检测未通过：" + "；".join(f"{prop} {n} 处" for prop, n in failed.items()) + "。")
    run = FourPropertiesRun.objects.create(
        area_code=county.code, passed=report.passed, counts=report.counts, finding_count=len(report.findings),
        findings=[str(f) for f in report.findings[:FourPropertiesRun.FINDINGS_KEPT]], summary=summary)
    record(None, "archive.four_properties_check", county, {
        "run": run.pk, "passed": run.passed, "findings": run.finding_count, "counts": run.counts,
    }, area_code=county.code)
    if report.passed:
        log.info("archive 四性 check of %s (%s) passed: %s", county.name, county.code, report.counts)
    else:
        log.warning("archive 四性 check of %s (%s) failed with %d finding(s): %s", county.name, county.code,
                    len(report.findings), summary)
    return run


def check_every_county() -> list[FourPropertiesRun]:
    return [check_county(county) for county in AdminArea.objects.filter(level=AreaLevel.COUNTY).order_by("code")]


def latest_runs(prefixes: list[str] | None = None) -> list[FourPropertiesRun]:
    """The newest scheduled result of each county whose whole archive the prefixes cover (a
    county's findings name other villages' items: a village or township post does not see them);
    None: every county (superusers)."""
    counties = AdminArea.objects.filter(level=AreaLevel.COUNTY).order_by("code")
    if prefixes is not None:
        counties = [c for c in counties if any(c.code.startswith(p) for p in prefixes)]
    found = []
    for county in counties:
        run = FourPropertiesRun.objects.filter(area_code=county.code).first()
        if run is not None:
            run.county_name = county.name
            found.append(run)
    return found
