"""Who is told: the officials holding a post over an area (the same grants that route tasks and
findings, registry.scope), and the delegates standing in for them today."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from registry.models import PREFIX_LENGTH, AreaGroupGrant, AreaUserGrant


def covering_codes(area_code: str) -> list[str]:
    """The codes of the areas whose grants cover `area_code`: itself and each ancestor (a grant on
    an area covers every code that starts with the area's prefix)."""
    return sorted({area_code[:n].ljust(12, "0") for n in PREFIX_LENGTH.values() if n <= len(area_code)})


def holders(role: str, area_code: str) -> list:
    """Active users holding post `role` (a codename) through a grant covering `area_code`, directly
    or through a group; the answer of registry.scope.holds_post, asked the other way round."""
    if not area_code:
        return []
    codes = covering_codes(area_code)
    direct = AreaUserGrant.objects.filter(permission__codename=role, content_object__code__in=codes)
    grouped = AreaGroupGrant.objects.filter(permission__codename=role, content_object__code__in=codes)
    return list(get_user_model().objects.filter(
        Q(pk__in=direct.values("user_id")) | Q(groups__in=grouped.values("group_id")), is_active=True)
        .distinct().order_by("pk"))


def holders_of_any(roles, area_code: str) -> list:
    found = {}
    for role in roles:
        for user in holders(role, area_code):
            found.setdefault(user.pk, user)
    return list(found.values())
