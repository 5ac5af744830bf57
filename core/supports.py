"""Core service: supports.

One support per eligible person per item, withdrawable. The content type decides who is
eligible and when supports are open with its ``can_support(item, user)`` callable (default:
confirmed accounts, on public items). Each item keeps a ``support_count`` column updated in the
same statement as the support itself, so lists show counts without any query per item, and
:func:`preload_supports` tells in one query which items of a list the visitor supports.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, g, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .content import load_item
from .database import UTCDateTime, db, utcnow
from .hookspecs import hookimpl
from .permissions import authorize, login_required
from .web import safe_next

bp = Blueprint("supports", __name__)


class Support(db.Model):
    """``user`` supports the item ``content_type``/``content_id``."""

    __tablename__ = "support"
    __table_args__ = (
        UniqueConstraint("user_id", "content_type", "content_id", name="uq_support_user_item"),
        Index("ix_support_item", "content_type", "content_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(80))
    content_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


def _bump(item, delta: int) -> None:
    model = type(item)
    db.session.execute(
        db.update(model).where(model.id == item.id).values(support_count=model.support_count + delta)
    )


def support(user, item) -> bool:
    """Record ``user``'s support; false when they already supported. Raises SupportRefused.

    The caller commits; the counter moves in the same transaction.
    """
    reason = refusal(item, user)
    if reason is not None:
        raise SupportRefused(reason)
    try:
        with db.session.begin_nested():
            db.session.add(Support(user_id=user.id, content_type=item.content_type_name,
                                   content_id=item.id))
    except IntegrityError:
        return False
    _bump(item, +1)
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


@bp.post("/content/<type_name>/<int:id>/support")
@login_required
def toggle(type_name: str, id: int):
    """Support (``action=support``) or withdraw (``action=withdraw``)."""
    item = load_item(type_name, id)
    if item is None or not item.content_type.uses("supports"):
        abort(404)
    authorize(item, "view")
    target = safe_next(request.form.get("next"), item.url + f"#support-{item.id}")
    try:
        if request.form.get("action") == "withdraw":
            changed = withdraw(current_user, item)
            message = _("Your support has been withdrawn.") if changed else _("You did not support this.")
        else:
            changed = support(current_user, item)
            message = _("Thank you, your support is counted.") if changed else _("You already support this.")
            if changed and item.content_type.uses("follows"):
                from .follows import follow

                follow(current_user, item)
    except SupportRefused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(target)
    db.session.commit()
    flash(message, "success")
    return redirect(target)


def _register_globals(state):
    state.app.jinja_env.globals["has_supported"] = has_supported
    state.app.jinja_env.globals["support_refusal"] = refusal


bp.record_once(_register_globals)


# --- Personal data ----------------------------------------------------------------------------


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(select(Support).where(Support.user_id == user.id).order_by(Support.id))
    supports = [
        {"content": f"{s.content_type}/{s.content_id}", "at": s.created_at.isoformat()} for s in rows
    ]
    return {"supports": supports} if supports else None


@hookimpl
def erase_user_data(user):
    # The supports still count (the figures published stay true); the link to the person goes.
    db.session.execute(db.update(Support).where(Support.user_id == user.id).values(user_id=None))
