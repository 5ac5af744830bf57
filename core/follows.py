"""Core service: follows.

A person follows a piece of content to be notified of what happens to it (new comments, a
change of state, the city's answer). Authors and commenters follow automatically; anyone
signed in may follow or stop following with the button from ``services/follows.html``.
A content type opts in with ``"follows"`` in its ``services``.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .database import UTCDateTime, db, utcnow
from .hookspecs import hookimpl
from .permissions import authorize, login_required
from .content import ContentMixin, load_item, registry
from .web import safe_next

bp = Blueprint("follows", __name__)


class Follow(db.Model):
    """``user`` follows the item ``content_type``/``content_id``."""

    __tablename__ = "follow"
    __table_args__ = (
        UniqueConstraint("user_id", "content_type", "content_id", name="uq_follow_user_item"),
        Index("ix_follow_item", "content_type", "content_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(80))
    content_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _uses_follows(item) -> bool:
    return item.content_type.uses("follows")


def follow(user, item) -> None:
    """Make ``user`` follow ``item`` (nothing happens if they already do). The caller commits."""
    if not getattr(user, "is_authenticated", False) or not _uses_follows(item):
        return
    if item.id is None:
        db.session.flush()
    exists = db.session.scalar(
        select(Follow.id).where(
            Follow.user_id == user.id,
            Follow.content_type == item.content_type_name,
            Follow.content_id == item.id,
        )
    )
    if exists is None:
        # A savepoint, so that a concurrent follow (unique constraint) undoes only this row.
        try:
            with db.session.begin_nested():
                db.session.add(
                    Follow(user_id=user.id, content_type=item.content_type_name, content_id=item.id)
                )
        except IntegrityError:
            pass


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
    return list(
        db.session.scalars(
            select(Follow.user_id)
            .where(Follow.content_type == item.content_type_name, Follow.content_id == item.id)
            .order_by(Follow.user_id)
        )
    )


def follower_count(item) -> int:
    return len(follower_ids(item))


@event.listens_for(Session, "after_flush")
def _authors_follow_their_content(session: Session, flush_context) -> None:
    """A new item's author follows it, in the same transaction."""
    try:
        new = [
            obj for obj in session.new
            if isinstance(obj, ContentMixin) and obj.author_id is not None
            and obj.content_type_name in registry() and _uses_follows(obj)
        ]
    except RuntimeError:  # no app context: no content types
        return
    if new:
        session.connection().execute(
            Follow.__table__.insert(),
            [{"user_id": obj.author_id, "content_type": obj.content_type_name,
              "content_id": obj.id, "created_at": utcnow()} for obj in new],
        )


# --- The button ----------------------------------------------------------------------------


@bp.post("/content/<type_name>/<int:id>/follow")
@login_required
def toggle(type_name: str, id: int):
    """Follow (``action=follow``) or stop following (``action=unfollow``) an item."""
    item = load_item(type_name, id)
    if item is None or not _uses_follows(item):
        abort(404)
    authorize(item, "view")
    if request.form.get("action") == "unfollow":
        unfollow(current_user, item)
        message = _("You no longer follow this page.")
    else:
        follow(current_user, item)
        message = _("You follow this page: you will be notified of what happens to it.")
    db.session.commit()
    flash(message, "success")
    return redirect(safe_next(request.form.get("next"), item.url + f"#follow-{item.id}"))


def _register_globals(state):
    state.app.jinja_env.globals["is_following"] = is_following


bp.record_once(_register_globals)


# --- Personal data ----------------------------------------------------------------------------


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(select(Follow).where(Follow.user_id == user.id).order_by(Follow.id))
    follows = [
        {"content": f"{f.content_type}/{f.content_id}", "since": f.created_at.isoformat()}
        for f in rows
    ]
    return {"follows": follows} if follows else None


@hookimpl
def erase_user_data(user):
    db.session.execute(db.delete(Follow).where(Follow.user_id == user.id))
