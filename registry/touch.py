"""Moving a household's `updated_at` when something of the case changes without saving the
household row itself: its members (registry/signals.py), its evidence and its documents
(documents' services call this). API clients syncing with `updated_since` see those changes.

One UPDATE of the timestamp only: no model save, no signals, the protected stage untouched.
"""

from django.utils import timezone

from registry.models import Household


def touch_households(*pks) -> int:
    """Set updated_at to now on the given households (ids; None is ignored)."""
    ids = {pk for pk in pks if pk is not None}
    if not ids:
        return 0
    return Household.objects.filter(pk__in=ids).update(updated_at=timezone.now())
