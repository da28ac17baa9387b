"""Who issues a county's documents and how its 文号 begins, derived from the county's name.

Defaults (settings, overridable per county by DOCUMENTS_COUNTY_OVERRIDES):
- issuing organ (发文机关): DOCUMENTS_ISSUING_ORGAN_FORMAT with the full county name,
  "示例县" → "示例县易地扶贫搬迁工作领导小组办公室";
- 文号 prefix (机关代字): DOCUMENTS_NUMBER_PREFIX_FORMAT with the county's short name,
  "示例县" → "示例县搬迁". The short name drops the ethnic part of an autonomous county's name
  ("道真仡佬族苗族自治县" → "道真县"), as such counties do in their own 文号.
"""

import re
from dataclasses import dataclass

from django.conf import settings

from registry.models import AdminArea

_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,4}族)+自治县$")


@dataclass(frozen=True)
class Issuer:
    county_code: str  # 12 digits
    county_name: str
    short_name: str
    organ: str
    number_prefix: str


def county_code_of(area_code: str) -> str:
    return area_code[:6] + "000000"


def short_county_name(name: str) -> str:
    match = _AUTONOMOUS.match(name)
    return f"{match.group(1)}县" if match else name


def issuer_for(area_code: str) -> Issuer:
    code = county_code_of(area_code)
    # Missing area data must not stop a document: the code stands in for the name.
    county = AdminArea.objects.filter(code=code).first() or AdminArea(code=code, name=code)
    override = settings.DOCUMENTS_COUNTY_OVERRIDES.get(code[:6], {})
    short = override.get("short_name") or short_county_name(county.name)
    organ = override.get("organ") or settings.DOCUMENTS_ISSUING_ORGAN_FORMAT.format(county=county.name)
    prefix = override.get("number_prefix") or settings.DOCUMENTS_NUMBER_PREFIX_FORMAT.format(
        short_name=short, county=county.name
    )
    return Issuer(county_code=code, county_name=county.name, short_name=short, organ=organ, number_prefix=prefix)
