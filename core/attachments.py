"""Attachments and images, for content types that use the ``attachments`` service.

What a file is comes from its content, never its name: images are opened and re-encoded with
Pillow (which also drops their metadata: location, camera, author), PDFs are checked by their
structure. Files are stored under ``STORAGE_PATH`` (default ``<instance>/uploads``) with names of
our own, and served only through :func:`serve`, which checks that the visitor may see the
content they belong to.
"""

from __future__ import annotations

import io
import os
import re
import uuid
from datetime import datetime
from pathlib import Path

from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, send_file,
)
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import StringField
from wtforms.validators import Length, Optional

from .audit import record
from .content import load_item
from .database import UTCDateTime, db, utcnow
from .hookspecs import hookimpl
from .pagecache import expire_visitor_pages
from .permissions import authorize, login_required

bp = Blueprint("attachments", __name__)

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


class Attachment(db.Model):
    """A file attached to a piece of content."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(100), index=True)
    content_id: Mapped[int] = mapped_column(Integer, index=True)
    uploader_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # "image" or "pdf"
    mime_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def path(self) -> Path:
        return storage_root() / self.stored_name[:2] / self.stored_name


class AttachmentRefused(ValueError):
    """The file cannot be attached; ``message`` says why, for the person who sent it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def storage_root() -> Path:
    configured = current_app.config.get("STORAGE_PATH")
    return Path(configured or os.path.join(current_app.instance_path, "uploads"))


def _safe_name(filename: str, extension: str) -> str:
    stem = Path(filename or "").stem
    stem = re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip("-.")[:80] or "file"
    return f"{stem}.{extension}"


def _read_limited(stream) -> bytes:
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise AttachmentRefused(
            _l("The file is too large: %(size)s MB at most.", size=limit // (1024 * 1024))
        )
    if not data:
        raise AttachmentRefused(_l("The file is empty."))
    return data


def _reencode_image(data: bytes) -> tuple[bytes, str, str, int, int]:
    """Decode, orient, shrink and re-encode an image; returns (bytes, format, mime, w, h)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        source_format = image.format
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise AttachmentRefused(_l("This file is not an image we can read (JPEG, PNG, WebP or GIF).")) from None
    if source_format not in IMAGE_FORMATS:
        raise AttachmentRefused(_l("This image format is not accepted: use JPEG, PNG, WebP or GIF."))
    image = ImageOps.exif_transpose(image)
    side = current_app.config["IMAGE_MAX_SIDE"]
    image.thumbnail((side, side))
    keep_alpha = image.mode in ("RGBA", "LA", "P") and source_format in ("PNG", "GIF", "WEBP")
    output = io.BytesIO()
    if keep_alpha:
        image = image.convert("RGBA")
        image.save(output, format="PNG", optimize=True)
        target = "PNG"
    else:
        image = image.convert("RGB")
        image.save(output, format="JPEG", quality=85, optimize=True)
        target = "JPEG"
    return output.getvalue(), target, IMAGE_FORMATS[target], image.width, image.height


def _check_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise AttachmentRefused(_l("This file is not a valid PDF document."))


def save_upload(item, upload, user, description: str = "", kinds=None) -> Attachment:
    """Check, clean and store an uploaded file for ``item``; the caller commits.

    ``upload`` is a Werkzeug ``FileStorage``; ``kinds`` restricts to ``{"image", "pdf"}`` (default:
    what the item's content type accepts). Raises :class:`AttachmentRefused` with a clear message.
    """
    kinds = set(kinds or item.content_type.attachment_kinds)
    data = _read_limited(upload.stream)
    if data.startswith(b"%PDF-"):
        if "pdf" not in kinds:
            raise AttachmentRefused(_l("PDF documents are not accepted here."))
        _check_pdf(data)
        kind, mime, extension, width, height = "pdf", "application/pdf", "pdf", None, None
    else:
        if "image" not in kinds:
            raise AttachmentRefused(_l("Only PDF documents are accepted here."))
        data, image_format, mime, width, height = _reencode_image(data)
        kind, extension = "image", "jpg" if image_format == "JPEG" else "png"
        if not description.strip():
            raise AttachmentRefused(_l("Describe the image in a few words, for people who cannot see it."))
    stored_name = f"{uuid.uuid4().hex}.{extension}"
    attachment = Attachment(
        content_type=item.content_type_name,
        content_id=item.id,
        uploader_id=getattr(user, "id", None),
        original_name=_safe_name(upload.filename, extension),
        stored_name=stored_name,
        kind=kind,
        mime_type=mime,
        size=len(data),
        width=width,
        height=height,
        description=description.strip()[:300],
    )
    attachment.path.parent.mkdir(parents=True, exist_ok=True)
    temporary = attachment.path.with_suffix(".part")
    temporary.write_bytes(data)
    os.replace(temporary, attachment.path)
    db.session.add(attachment)
    return attachment


def attachments_of(item) -> list[Attachment]:
    return list(
        db.session.scalars(
            db.select(Attachment)
            .where(Attachment.content_type == item.content_type_name, Attachment.content_id == item.id)
            .order_by(Attachment.id)
        )
    )


def delete_attachment(attachment: Attachment) -> None:
    """Remove the row and the file (the caller commits)."""
    try:
        attachment.path.unlink()
    except FileNotFoundError:
        pass
    db.session.delete(attachment)
    expire_visitor_pages()


class UploadForm(FlaskForm):
    file = FileField(_l("File (image or PDF)"), validators=[FileRequired(_l("Choose a file."))])
    description = StringField(
        _l("Description"),
        description=_l("Required for an image: what it shows, for people who cannot see it."),
        validators=[Optional(), Length(max=300)],
    )


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
        record("attachments.added", attachment, summary=f"{attachment.original_name} on {type_name} {id}")
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


def _register_globals(state):
    state.app.jinja_env.globals["attachments_of"] = attachments_of
    state.app.jinja_env.globals["attachment_upload_form"] = UploadForm


bp.record_once(_register_globals)


# --- Personal data ----------------------------------------------------------------------------


@hookimpl
def export_user_data(user):
    rows = db.session.scalars(db.select(Attachment).where(Attachment.uploader_id == user.id))
    return {
        "attachments": [
            {"file": a.original_name, "kind": a.kind, "on": f"{a.content_type}/{a.content_id}",
             "created_at": a.created_at.isoformat()}
            for a in rows
        ]
    } or None


@hookimpl
def erase_user_data(user):
    # The files stay with the public content they illustrate; the link to the person goes.
    db.session.execute(
        db.update(Attachment).where(Attachment.uploader_id == user.id).values(uploader_id=None)
    )
