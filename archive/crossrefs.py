"""Both counties' archives point to a household resettled across counties (跨县安置, issue 20 item 6).

The household's file stays in its home county's archive (county A keeps the case, and its 档号);
the host county's archive holds an index entry under the site — the household, where it comes
from, the home county's file codes — pointing to the case, which the host's posts may open for 分房,
入住 and 后扶 (registry.scope.hosted_q). The home county's file says where the household went."""

from registry.scope import placements_in_force

from .models import ArchiveFile


def hosted_at(site_ids) -> dict[int, list[dict]]:
    """{site id: [index entries]} of the households resettled at these sites from other counties."""
    rows = list(placements_in_force().filter(site_id__in=list(site_ids))
                .select_related("household", "household__village").order_by("household__number"))
    codes: dict[int, list[str]] = {}
    for archive_file in ArchiveFile.objects.filter(household_id__in=[r.household_id for r in rows]).select_related(
            "category").order_by("category__order", "year"):
        codes.setdefault(archive_file.household_id, []).append(archive_file.file_code)
    found: dict[int, list[dict]] = {}
    for row in rows:
        found.setdefault(row.site_id, []).append({
            "household": row.household, "home": row.household.village.name, "home_county": row.home_county_code,
            "file_codes": codes.get(row.household_id, []), "approved_at": row.host_decided_at})
    return found


def placed_away(household_id):
    """The approved placement of a household at another county's site (for its home file), or None."""
    return (placements_in_force().filter(household_id=household_id).select_related("site", "site__area").first()
            if household_id else None)
