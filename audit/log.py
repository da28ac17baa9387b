"""record(): append one event to the chain, inside the caller's transaction."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .chain import GENESIS_HASH, current_key_id, event_hash, plain_json
from .models import AuditEvent, ChainHead, CountyChainHead


def client_ip(request):
    if request is None:
        return None
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def describe_target(target):
    """(type, id, area_code) of a model instance, stored as values."""
    if target is None:
        return "", "", ""
    meta = target._meta
    area_code = getattr(target, "area_code", "") or ""
    return meta.label_lower, str(target.pk), area_code


COUNTY_DIGITS = 6  # 省2 + 市2 + 县2 of a 12-digit area code


def chain_of(area_code: str) -> str:
    """The chain an event of `area_code` goes on: its county, or "" without one."""
    code = area_code or ""
    return code[:COUNTY_DIGITS] if len(code) >= COUNTY_DIGITS and code[:COUNTY_DIGITS].isdigit() else ""


def _head_for_update(chain: str):
    """The chain's head, locked until commit: one query once it exists (issue 18: a transition's
    queries). The first writer of a chain creates it from the chain's events (none: the genesis; or
    a log restored without its heads); a concurrent first writer's row wins and is locked in turn."""
    model, key = (ChainHead, {"pk": 1}) if chain == "" else (CountyChainHead, {"chain": chain})
    head = model.objects.select_for_update().filter(**key).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            model.objects.create(**key, **_head_from_events(chain))
    except IntegrityError:
        pass
    return model.objects.select_for_update().get(**key)


def _head_from_events(chain: str):
    last = AuditEvent.objects.filter(chain=chain).order_by("-id").first()
    if last is None:
        return {"last_event_id": None, "last_hash": GENESIS_HASH}
    return {"last_event_id": last.id, "last_hash": last.hash}


# Who answers "which posts does this user hold over this area, now?" (posts_provider(user,
# area_code) -> list of {"role", "label"}). This app imports nothing of ours (docs/architecture.md: the ground
# floor; registry imports audit), so the answer is plugged in from above at start-up
# (registry/apps.py installs registry.scope.posts_over); without one, no posts are stored.
_posts_provider = None


def set_posts_provider(provider) -> None:
    global _posts_provider
    _posts_provider = provider


def _posts(actor, is_user: bool, area_code: str, posts):
    if posts is not None:
        return plain_json(list(posts))
    if not (is_user and area_code and _posts_provider is not None):
        return None
    return plain_json(list(_posts_provider(actor, area_code)))


def record(actor, action, target=None, data=None, request=None, *, area_code=None, posts=None) -> AuditEvent:
    """Append an event. Runs in the caller's transaction, so the event and the change it
    records commit or vanish together; the locked head of the event's chain (its county's, or
    chain "") serialises concurrent writers of that chain only.
    The actor's posts over the event's area at this moment are stored with it (given as `posts`, or
    asked of the posts provider), so the history names the post held then, not the post held now."""
    target_type, target_id, target_area = describe_target(target)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    area_code = area_code if area_code is not None else target_area
    actor_posts = _posts(actor, is_user, area_code, posts)
    # No savepoint of its own inside the caller's transaction (two queries a record): a failure here
    # fails the caller's transaction as a whole, which is what an unrecorded change must do.
    chain = chain_of(area_code)
    with transaction.atomic(savepoint=False):
        head = _head_for_update(chain)
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor_id=actor.pk if is_user else None,
            actor_username=actor.get_username() if is_user else "",
            ip_address=client_ip(request),
            action=action,
            target_type=target_type,
            target_id=target_id,
            area_code=area_code,
            data=plain_json(data or {}),
            actor_posts=actor_posts,
            key_id=current_key_id(),
            chain=chain,
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.last_event_id = event.id
        head.last_hash = event.hash
        head.save(update_fields=["last_event_id", "last_hash"])
    return event
