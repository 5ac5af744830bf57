"""Who may support an item, supporting and withdrawing, and who supports what in a list."""

from __future__ import annotations

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.database import db, insert_unless_present, utcnow
from core.events import SupportAdded, SupportWithdrawn, emit
from core.services.follows import follow

from .models import Support


class SupportRefused(Exception):
    """The person may not support (or withdraw from) this item; ``message`` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def refusal(item, user):
    """``None`` when ``user`` may support ``item`` now, else a sentence saying why not."""
    content_type = item.content_type
    if not content_type.uses("supports"):
        return _l("This page does not take supports.")
    if not getattr(user, "is_authenticated", False):
        return _l("Log in to support.")
    if not user.is_confirmed:
        return _l("Confirm your e-mail address to support.")
    if not item.is_public:
        return _l("Supports are closed.")
    if item.is_author(user):
        return _l("You cannot support what you proposed yourself.")
    if content_type.can_support is not None:
        return content_type.can_support(item, user)
    return None


def _bump(item, delta: int) -> int:
    """Move the item's counter by ``delta`` (one atomic ``UPDATE``); its new value."""
    model = type(item)
    return db.session.execute(
        db.update(model).where(model.id == item.id).values(support_count=model.support_count + delta)
        .returning(model.support_count)
    ).scalar_one()


def add(user, item) -> bool:
    """Record ``user``'s support; false when they already supported. Raises SupportRefused.

    The counter moves in the same transaction, the person follows the item (when its type uses
    follows), and :class:`~core.events.SupportAdded` is sent once the caller commits.
    """
    reason = refusal(item, user)
    if reason is not None:
        raise SupportRefused(reason)
    if not insert_unless_present(Support, ("user_id", "content_type", "content_id"), user_id=user.id,
                                 content_type=item.content_type_name, content_id=item.id,
                                 created_at=utcnow()):
        return False
    count = _bump(item, +1)
    follow(user, item)
    emit(SupportAdded(content_type=item.content_type_name, content_id=item.id, user_id=user.id,
                      support_count=count))
    return True


def withdraw(user, item) -> bool:
    """Withdraw ``user``'s support; false when there was none. Allowed while supports are open."""
    reason = refusal(item, user)
    if reason is not None:
        raise SupportRefused(reason)
    removed = db.session.execute(
        db.delete(Support).where(
            Support.user_id == user.id,
            Support.content_type == item.content_type_name,
            Support.content_id == item.id,
        )
    ).rowcount
    if removed:
        _bump(item, -removed)
        emit(SupportWithdrawn(content_type=item.content_type_name, content_id=item.id, user_id=user.id))
    return bool(removed)


def preload_supports(user, items) -> set[int]:
    """The ids of ``items`` (one content type) that ``user`` supports: one query for a list.

    The result is also kept for the request, so ``has_supported`` in templates asks nothing more.
    """
    items = list(items)
    known = g.setdefault("_civique_supported", {})
    if not items:
        return set()
    type_name = items[0].content_type_name
    if not getattr(user, "is_authenticated", False):
        ids: set[int] = set()
    else:
        ids = set(
            db.session.scalars(
                select(Support.content_id).where(
                    Support.user_id == user.id,
                    Support.content_type == type_name,
                    Support.content_id.in_([item.id for item in items]),
                )
            )
        )
    for item in items:
        known[(type_name, item.id)] = item.id in ids
    return ids


def has_supported(user, item) -> bool:
    """Whether ``user`` supports ``item`` (answered from :func:`preload_supports` if it ran)."""
    known = g.setdefault("_civique_supported", {})
    key = (item.content_type_name, item.id)
    if key not in known:
        preload_supports(user, [item])
    return known[key]
