"""What an official may choose when entering a household: villages, sites and 包保责任人 within
their scope. One copy for the admin, the household entry page and the API."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from registry.models import AdminArea, ResettlementSite
from registry.policy import cross_county_approved
from registry.scope import NOTHING, area_q, prefixes_for


def areas_for(user, perm, levels):
    return AdminArea.objects.filter(level__in=levels).filter(area_q(user, perm, field="code"))


def sites_for(user, perm, household=None):
    """Sites a household of the user's scope may be resettled to. A site is registered at county or
    township level, above a village clerk's own scope, and policy allows any site of the same county
    (policy.check_resettlement_mode): so the choice covers the counties of the user's grants — and,
    for `household` (one being corrected), the other county's site both counties approved for it
    (跨县安置, registry/placements.py), which stays its site."""
    if user.is_superuser:
        return ResettlementSite.objects.all()
    counties = {prefix[:6] for prefix in prefixes_for(user, perm)}
    q = NOTHING
    for county in counties:
        q |= Q(area_code__startswith=county)
    if household is not None and household.pk is not None and household.site_id:
        if cross_county_approved(household, household.site):
            q |= Q(pk=household.site_id)
    return ResettlementSite.objects.filter(q)


def cadres_for(user, perm):
    """Officials holding a post inside the user's scope (包保责任人: village cadres cover households)."""
    direct = area_q(user, perm, field="areausergrant__content_object__code")
    by_post = area_q(user, perm, field="groups__areagroupgrant__content_object__code")
    return get_user_model().objects.filter(is_active=True).filter(direct | by_post).distinct().order_by("username")


def official_label(user):
    name = f"{user.last_name}{user.first_name}"  # Chinese order: family name first
    return f"{name}（{user.get_username()}）" if name else user.get_username()
