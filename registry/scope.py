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
"""

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404

from registry.models import PREFIX_LENGTH, AreaGroupGrant, AreaUserGrant
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


def area_q(user, perm: str, field: str = "area_code") -> Q:
    """The filter selecting rows whose `field` (an area code) lies in the user's scope for `perm`."""
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
    return q


def covers(user, perm: str, area_code: str) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return bool(area_code) and any(area_code.startswith(p) for p in prefixes_for(user, perm))


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
        return bool(code) and covers(user_obj, perm, code)

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


def get_object_for(user, queryset, pk, perm: str | None = None, *, view_perm: str | None = None):
    """The one way a view fetches a case: 404 when outside the user's reading scope (never
    confirming that it exists), 403 when readable but `perm` (a write) is not held there."""
    model = queryset.model
    view_perm = view_perm or f"{model._meta.app_label}.view_{model._meta.model_name}"
    try:
        obj = queryset.filter(area_q(user, view_perm)).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("未找到该记录，或不在您的管辖范围内。")
    if perm and perm != view_perm and not user.has_perm(perm, obj):
        raise PermissionDenied("您的岗位无权执行此操作。")
    return obj


def get_household_for(user, pk, perm: str | None = None):
    from registry.models import Household  # registry.models' querysets import this module

    return get_object_for(user, Household.objects.select_related("village", "site"), pk, perm)


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
