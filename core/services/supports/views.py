"""The support button's page: ``POST /content/<type>/<id>/support``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from core.content import load_item
from core.database import db
from core.permissions import authorize, login_required
from core.web import safe_next

from .rules import SupportRefused, add, withdraw

bp = Blueprint("supports", __name__, template_folder="templates")


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
            changed = add(current_user, item)
            message = _("Thank you, your support is counted.") if changed else _("You already support this.")
    except SupportRefused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(target)
    db.session.commit()
    flash(message, "success")
    return redirect(target)
