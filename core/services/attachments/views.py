"""The attachments' pages: adding a file to an item, removing it, and serving it to those who
may see the item it belongs to."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.content import load_item
from core.database import db
from core.permissions import authorize, login_required
from core.services.audit import record

from .files import AttachmentRefused, delete_attachment, save_upload
from .forms import UploadForm
from .models import Attachment

bp = Blueprint("attachments", __name__, template_folder="templates")


def _item_or_404(type_name: str, item_id: int, action: str):
    item = load_item(type_name, item_id)
    if item is None or not item.content_type.uses("attachments"):
        abort(404)
    return authorize(item, action)


@bp.post("/content/<type_name>/<int:id>/attachments")
@login_required
def upload(type_name: str, id: int):
    item = _item_or_404(type_name, id, "edit")
    form = UploadForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(item.url + "#attachments")
    try:
        attachment = save_upload(item, form.file.data, current_user, form.description.data or "")
    except AttachmentRefused as refused:
        flash(str(refused.message), "error")
        return redirect(item.url + "#attachments")
    if not item.is_author(current_user):
        record("attachments.added", attachment,
               summary=_l("%(file)s on %(type)s %(number)s", file=attachment.original_name,
                          type=type_name, number=id))
    db.session.commit()
    flash(_("The file has been added."), "success")
    return redirect(item.url + "#attachments")


@bp.post("/files/<int:attachment_id>/delete")
@login_required
def delete(attachment_id: int):
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    item = _item_or_404(attachment.content_type, attachment.content_id, "edit")
    if not item.is_author(current_user):
        record("attachments.deleted", attachment, summary=attachment.original_name)
    delete_attachment(attachment)
    db.session.commit()
    flash(_("The file has been removed."), "success")
    return redirect(item.url + "#attachments")


@bp.get("/files/<int:attachment_id>/<filename>")
def serve(attachment_id: int, filename: str):
    """Send a file after checking the visitor may see the content it belongs to."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    _item_or_404(attachment.content_type, attachment.content_id, "view")
    if not attachment.path.is_file():
        abort(404)
    response = send_file(
        attachment.path,
        mimetype=attachment.mime_type,
        download_name=attachment.original_name,
        as_attachment=attachment.kind != "image",
        conditional=True,
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
