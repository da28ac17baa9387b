"""The posts a user holds over an area, as the audit log stores them with each event (audit.record
asks this through audit.log.set_posts_provider; registry/apps.py plugs it in, since audit, below
registry, imports nothing of ours)."""

from registry.roles import ROLES
from registry.scope import grants_of


def posts_over(user, area_code: str) -> list[dict]:
    """[{"role": codename, "label": what officials read}] of the user's posts whose granted area
    covers `area_code` (the user's grants, cached per request by registry.scope)."""
    if not area_code:
        return []
    return [{"role": role, "label": ROLES[role].label}
            for role, entries in sorted(grants_of(user).items())
            if role in ROLES and any(area_code.startswith(prefix) for prefix, _ in entries)]
