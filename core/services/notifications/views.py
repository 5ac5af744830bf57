"""A person's notifications page: newest first, each opened (and marked read) by its link."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.database import db, utcnow
from core.permissions import login_required
from core.web import safe_next

from .models import Notification
from .rules import unread_count

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")


@bp.get("/")
@login_required
def index():
    """The person's notifications, newest first."""
    query = (
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    page = db.paginate(query, per_page=30, error_out=False)
    return render_template("notifications/index.html", page=page,
                           unread=unread_count(current_user))


@bp.get("/<int:id>")
@login_required
def open_notification(id: int):
    """Mark one notification read and go to what it is about."""
    notification = db.session.get(Notification, id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return redirect(safe_next(notification.url, url_for("notifications.index")))


@bp.post("/read")
@login_required
def mark_all_read():
    db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    flash(_("All your notifications are marked as read."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("notifications.index")))
