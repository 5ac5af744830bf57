"""Following and no longer following an item, and who follows what."""

from __future__ import annotations

from sqlalchemy import func, select

from core.content import load_item
from core.database import db, insert_unless_present, utcnow

from .models import Follow


def uses_follows(item) -> bool:
    return item.content_type.uses("follows")


def follow(user, item) -> None:
    """Make ``user`` follow ``item`` (nothing happens if they already do). The caller commits."""
    if not getattr(user, "is_authenticated", False) or not uses_follows(item):
        return
    if item.id is None:
        db.session.flush()
    insert_unless_present(Follow, ("user_id", "content_type", "content_id"), user_id=user.id,
                          content_type=item.content_type_name, content_id=item.id, created_at=utcnow())


def unfollow(user, item) -> None:
    """Stop ``user`` following ``item``. The caller commits."""
    db.session.execute(
        db.delete(Follow).where(
            Follow.user_id == user.id,
            Follow.content_type == item.content_type_name,
            Follow.content_id == item.id,
        )
    )


def is_following(user, item) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return item.id in followed_ids(user, [item])


def followed_ids(user, items) -> set[int]:
    """The ids of ``items`` (all of one content type) that ``user`` follows, in one query."""
    items = list(items)
    if not items or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(
            select(Follow.content_id).where(
                Follow.user_id == user.id,
                Follow.content_type == items[0].content_type_name,
                Follow.content_id.in_([item.id for item in items]),
            )
        )
    )


def follower_ids(item) -> list[int]:
    """The ids of the accounts following ``item``."""
    return follower_ids_of(item.content_type_name, item.id)


def follower_ids_of(type_name: str, item_id: int) -> list[int]:
    """The ids of the accounts following the item of ``type_name`` with ``item_id``."""
    return list(
        db.session.scalars(
            select(Follow.user_id)
            .where(Follow.content_type == type_name, Follow.content_id == item_id)
            .order_by(Follow.user_id)
        )
    )


def follower_count(item) -> int:
    """How many accounts follow ``item`` (one count on the index)."""
    return db.session.scalar(
        select(func.count()).select_from(Follow)
        .where(Follow.content_type == item.content_type_name, Follow.content_id == item.id)
    ) or 0


def follow_authors(created) -> None:
    """Make the authors of the items just created (``(type name, id)`` pairs) follow them."""
    for type_name, item_id in created:
        item = load_item(type_name, item_id)
        if item is not None and item.author is not None:
            follow(item.author, item)
