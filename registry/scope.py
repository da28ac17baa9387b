"""Scope: which cases a user may see or touch. Every query for cases goes through here.

A grant is a role on an area; it covers every case whose `area_code` starts with the area's
prefix (docs/architecture.md decision 1). Three entry points for reading, used everywhere:
- `area_q(user, perm)`: the queryset filter (lists, searches, exports);
- `AreaScopeBackend`: `user.has_perm(perm, obj)` for one object;
- `get_object_for(user, queryset, pk, perm)`: the chokepoint of detail views (404 outside scope).

And one answer to "does this user hold post P over area A?" — `holds_post` (with `post_held`,
`post_q` and `posts_over` built on it) — for acting, routing tasks, answering findings and the
posts an audit event records. Unlike reading, holding a post is never implied by being a
superuser: approving is a post's act, not an administrator's.

One narrow extension, answered here and nowhere else: a household resettled across counties
(跨县安置, registry.models.CrossCountyPlacement approved by both counties) is also read by the posts
that serve its host site — for allocation (分房), move-in (入住) and 后扶 — see `hosted_q`.
"""

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.http import Http404

from registry.models import (
    PREFIX_LENGTH,
    AreaGroupGrant,
    AreaLevel,
    AreaUserGrant,
    CrossCountyPlacement,
    PlacementStatus,
)
from registry.roles import ROLES, roles_with

NOTHING = Q(pk__in=[])
_CACHE_ATTR = "_area_grants_cache"


def grants_of(user) -> dict[str, list[tuple[str, str]]]:
    """{role codename: [(area code, area name), ...]} for the user, direct and through groups.
    Two queries per request; cached on the user object."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    grants: dict[str, list[tuple[str, str]]] = {}
    if user.is_authenticated and user.is_active:
        fields = ("permission__codename", "content_object__code", "content_object__level", "content_object__name")
        rows = list(AreaUserGrant.objects.filter(user=user).values_list(*fields))
        rows += AreaGroupGrant.objects.filter(group__user=user).values_list(*fields)
        for codename, code, level, name in rows:
            if codename in ROLES:
                entry = (code[: PREFIX_LENGTH[level]], name)
                grants.setdefault(codename, [])
                if entry not in grants[codename]:
                    grants[codename].append(entry)
    setattr(user, _CACHE_ATTR, grants)
    return grants


def forget_grants(user) -> None:
    """Drop the cached grants (after granting or revoking within one request or test)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def prefixes_for(user, perm: str) -> list[str]:
    """Area prefixes where the user holds `perm`, without prefixes already covered by a shorter one."""
    grants = grants_of(user)
    found = sorted({prefix for role in roles_with(perm) for prefix, _ in grants.get(role, [])}, key=len)
    kept: list[str] = []
    for prefix in found:
        if not any(prefix.startswith(shorter) for shorter in kept):
            kept.append(prefix)
    return kept


def post_prefixes(user, role: str) -> list[str]:
    """Area prefixes on which the user holds post `role` (a role codename), directly or by group."""
    if not (user.is_authenticated and user.is_active):
        return []
    kept: list[str] = []
    for prefix in sorted({prefix for prefix, _ in grants_of(user).get(role, [])}, key=len):
        if not any(prefix.startswith(shorter) for shorter in kept):
            kept.append(prefix)
    return kept


def holds_post(user, role: str, area_code: str) -> bool:
    """Whether the user holds post `role` through a grant whose area covers `area_code`."""
    return bool(area_code) and any(area_code.startswith(p) for p in post_prefixes(user, role))


def post_held(user, roles, area_code: str) -> str | None:
    """The first of `roles` the user holds over `area_code`, or None."""
    return next((role for role in roles if holds_post(user, role, area_code)), None)


def holds_post_near(user, role: str, area_code: str, own_prefix: str) -> bool:
    """Holds `role` over `area_code` or on an area inside `own_prefix` (the area the record belongs
    to): a township officer serves a county-level site that lies in the county."""
    return any(area_code.startswith(p) or p.startswith(own_prefix) for p in post_prefixes(user, role))


def post_q(user, role: str, field: str = "area_code") -> Q:
    """Rows whose `field` (an area code) lies under the user's grants of post `role`."""
    q = NOTHING
    for prefix in post_prefixes(user, role):
        q |= Q(**{f"{field}__startswith": prefix})
    return q


def posts_over(user, area_code: str) -> list[dict]:
    """[{"role": codename, "label": what officials read}] of the user's posts over `area_code`."""
    return [{"role": role, "label": ROLES[role].label}
            for role in sorted(grants_of(user)) if role in ROLES and holds_post(user, role, area_code)]


def area_q(user, perm: str, field: str = "area_code", *, household: str | None = None) -> Q:
    """The filter selecting rows whose `field` (an area code) lies in the user's scope for `perm`.

    `household`: the path from the rows to their household's pk ("pk" for households, "household"
    for a record of one household; models declare it as `SCOPE_HOUSEHOLD`) — given, the rows of a
    household resettled at a site the user serves are in scope too, for `HOSTED_CAPABILITIES` only
    (`hosted_q`). Rows without such a path (a village's batch, the audit log, an archive file) stay
    prefix-only."""
    if not (user.is_authenticated and user.is_active):
        return NOTHING
    if user.is_superuser:
        return Q()
    prefixes = prefixes_for(user, perm)
    if not prefixes:
        return NOTHING
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    if household is not None:
        q |= hosted_q(user, perm, household)
    return q


def covers(user, perm: str, area_code: str) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return bool(area_code) and any(area_code.startswith(p) for p in prefixes_for(user, perm))


# --- Resettlement across counties (跨县安置, issue 20 item 6) -----------------------------------
# County A keeps the case (its prefix scope is untouched). The posts serving the host site in county
# B — a grant covering the site's area, or a township of B's county for a county-level site — see
# the one household for allocation (分房), move-in (入住) and 后扶, with these capabilities and no
# others: no editing of the registry, no full ID numbers, no audit log, no village batches. Acting
# on it is asked separately (workflows.acting.acting_role, its HOST_ACTS). A third county: nothing.
HOSTED_CAPABILITIES = frozenset({
    "registry.view_household", "registry.view_member", "documents.add_evidence", "documents.add_document",
})
_TOWNSHIP = PREFIX_LENGTH[AreaLevel.TOWNSHIP]


def serves_host(prefix: str, host_area_code: str) -> bool:
    """Whether a grant on `prefix` serves a site whose area code is `host_area_code`."""
    return host_area_code.startswith(prefix) or (
        len(prefix) == _TOWNSHIP and host_area_code == prefix[:6].ljust(12, "0"))


def _host_filter(prefixes) -> Q:
    q = NOTHING
    for prefix in prefixes:
        q |= Q(host_area_code__startswith=prefix)
        if len(prefix) == _TOWNSHIP:
            q |= Q(host_area_code=prefix[:6].ljust(12, "0"))
    return q


def placements_in_force():
    """Approved placements whose household is still at the approved site."""
    return CrossCountyPlacement.objects.filter(status=PlacementStatus.APPROVED, household__site_id=F("site_id"))


def hosted_q(user, perm: str, household: str = "pk") -> Q:
    """Rows (reached through `household`, a path to the household's pk) of the households resettled
    at sites the user serves for `perm` — NOTHING unless `perm` is one of HOSTED_CAPABILITIES."""
    if perm not in HOSTED_CAPABILITIES or not (user.is_authenticated and user.is_active):
        return NOTHING
    prefixes = prefixes_for(user, perm)
    if not prefixes:
        return NOTHING
    ids = placements_in_force().filter(_host_filter(prefixes)).values("household_id")
    return Q(**{f"{household}__in": ids})


def hosted_post_q(user, role: str, household: str) -> Q:
    """Rows (through `household`, a path to the household's pk) of the households resettled at
    sites over which the user holds post `role` — the worklist's share of the host's acts. The ids
    are read at once (a handful per site; NOTHING for almost everyone), so the worklist's tuned
    queries get a literal list, not a subquery."""
    prefixes = post_prefixes(user, role)
    if not prefixes:
        return NOTHING
    ids = list(placements_in_force().filter(_host_filter(prefixes)).values_list("household_id", flat=True))
    return Q(**{f"{household}__in": ids}) if ids else NOTHING


def host_area_of(household) -> str | None:
    """The host site's area code of a household resettled across counties (None otherwise)."""
    if household is None or household.pk is None or not household.site_id:
        return None
    return (placements_in_force().filter(household_id=household.pk)
            .values_list("host_area_code", flat=True).first())


def hosts(user, perm: str, household_id) -> bool:
    """Whether the user serves, for `perm`, the host site of household `household_id`."""
    if household_id is None or perm not in HOSTED_CAPABILITIES:
        return False
    host = placements_in_force().filter(household_id=household_id).values_list("host_area_code", flat=True).first()
    return host is not None and any(serves_host(p, host) for p in prefixes_for(user, perm))


def host_post_held(user, roles, host_area_code: str) -> str | None:
    """The first of `roles` the user holds over a host site's area (a township post of the host county
    for a county-level site, as `serves_host` reads it)."""
    for role in roles:
        if any(serves_host(p, host_area_code) for p in post_prefixes(user, role)):
            return role
    return None


def _household_id_of(obj):
    path = getattr(type(obj), "SCOPE_HOUSEHOLD", None)
    if path == "pk":
        return obj.pk
    if path and "__" not in path:
        return getattr(obj, f"{path}_id", None)
    return None


class AreaScopeBackend(BaseBackend):
    """Answers `user.has_perm(perm, obj)` by area prefix for any object with an `area_code`.

    Without an object, `has_perm(perm)` means "holds it somewhere" — what the admin asks before
    showing a module; the object-level question then decides row by row."""

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        if obj is None:
            return bool(prefixes_for(user_obj, perm))
        code = getattr(obj, "area_code", None)
        return bool(code) and (covers(user_obj, perm, code) or hosts(user_obj, perm, _household_id_of(obj)))

    def get_user(self, user_id):
        # Sessions may name this backend (Client.force_login picks it): load users as Django does.
        return ModelBackend().get_user(user_id)

    def has_module_perms(self, user_obj, app_label):
        if not user_obj.is_active:
            return False
        held = grants_of(user_obj)
        return any(
            cap.startswith(f"{app_label}.") for role in held for cap in ROLES[role].capabilities
        )


def get_object_for(user, queryset, pk, perm: str | None = None, *, view_perm: str | None = None,
                   hosted: bool = False):
    """The one way a view fetches a case: 404 when outside the user's reading scope (never
    confirming that it exists), 403 when readable but `perm` (a write) is not held there.

    `hosted=True` — only on the pages of 分房, 入住 and 后扶 and the household's own documents and
    evidence — lets the posts serving a cross-county household's host site in (`hosted_q`, through the
    model's `SCOPE_HOUSEHOLD`); everywhere else (archive, history, findings, figures, exports) the
    household is its home county's alone."""
    model = queryset.model
    view_perm = view_perm or f"{model._meta.app_label}.view_{model._meta.model_name}"
    try:
        path = getattr(model, "SCOPE_HOUSEHOLD", None) if hosted else None
        obj = queryset.filter(area_q(user, view_perm, household=path)).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("未找到该记录，或不在您的管辖范围内。")
    if perm and perm != view_perm and not user.has_perm(perm, obj):
        raise PermissionDenied("您的岗位无权执行此操作。")
    return obj


def get_household_for(user, pk, perm: str | None = None, *, hosted: bool = False):
    from registry.models import Household  # registry.models' querysets import this module

    return get_object_for(user, Household.objects.select_related("village", "site"), pk, perm, hosted=hosted)


def get_site_for(user, pk, perm: str | None = None):
    from registry.models import ResettlementSite  # registry.models' querysets import this module

    return get_object_for(user, ResettlementSite.objects.select_related("area"), pk, perm)


def roles_and_areas(user) -> list[tuple[str, str, str]]:
    """(role label, area name, area prefix) rows, for the home page."""
    return [
        (ROLES[role].label, name, prefix)
        for role, entries in sorted(grants_of(user).items())
        for prefix, name in entries
    ]
