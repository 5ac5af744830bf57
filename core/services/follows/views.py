"""The follow button's page: ``POST /content/<type>/<id>/follow``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from core.content import load_item
from core.database import db
from core.permissions import authorize, login_required
from core.web import safe_next

from .rules import follow, unfollow, uses_follows

bp = Blueprint("follows", __name__, template_folder="templates")


@bp.post("/content/<type_name>/<int:id>/follow")
@login_required
def toggle(type_name: str, id: int):
    """Follow (``action=follow``) or stop following (``action=unfollow``) an item."""
    item = load_item(type_name, id)
    if item is None or not uses_follows(item):
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
