"""Attaching a file to an item (checked and cleaned), listing an item's files, deleting them.

What a file is comes from its content, never its name: images are opened and re-encoded with
Pillow (which also drops their metadata: location, camera, author), PDFs are checked by their
structure. Files are stored under ``STORAGE_PATH`` (default ``<instance>/uploads``) with names of
our own.
"""

from __future__ import annotations

import io
import logging
import os
import re
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from werkzeug.exceptions import ServiceUnavailable

from core.database import db
from core.pagecache import expire_visitor_pages

from .models import Attachment

log = logging.getLogger(__name__)

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


class AttachmentRefused(ValueError):
    """The file cannot be attached; ``message`` says why, for the person who sent it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


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
    store_file(attachment.path, data)
    db.session.add(attachment)
    return attachment


class StorageUnavailable(ServiceUnavailable):
    """The uploads folder refused the file (full, read-only, gone): a 503 that says to try
    again; the request stores nothing."""

    civique_message = _l("The file could not be stored just now, so nothing was saved. Please "
                         "try again in a few minutes; what you wrote is still in your browser "
                         "(go back one page).")


def store_file(path: Path, data: bytes) -> None:
    """Write ``data`` at ``path`` whole or not at all (a temporary file renamed into place).

    Raises :class:`StorageUnavailable` when the disk refuses it, leaving nothing behind.
    """
    temporary = path.with_suffix(".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as exc:
        log.error("Could not store %s: %s", path, exc)
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
        raise StorageUnavailable() from exc


def attachments_of(item) -> list[Attachment]:
    return list(
        db.session.scalars(
            db.select(Attachment)
            .where(Attachment.content_type == item.content_type_name, Attachment.content_id == item.id)
            .order_by(Attachment.id)
        )
    )


def cover_images(items) -> dict[int, Attachment]:
    """The first image of each of ``items`` (one content type), by item id, in one query: the
    cover of their cards in a list."""
    items = list(items)
    if not items:
        return {}
    rows = db.session.scalars(
        select(Attachment)
        .where(Attachment.content_type == items[0].content_type_name, Attachment.kind == "image",
               Attachment.content_id.in_([item.id for item in items]))
        .order_by(Attachment.content_id, Attachment.id)
    )
    covers: dict[int, Attachment] = {}
    for attachment in rows:
        covers.setdefault(attachment.content_id, attachment)
    return covers


def delete_attachment(attachment: Attachment) -> None:
    """Remove the row and the file (the caller commits)."""
    try:
        attachment.path.unlink()
    except FileNotFoundError:
        pass
    db.session.delete(attachment)
    expire_visitor_pages()


def delete_attachments_of(keys) -> None:
    """Delete the files of the items ``keys`` (``(type name, id)`` pairs, deleted themselves).
    The caller commits."""
    for type_name, item_id in keys:
        for attachment in db.session.scalars(select(Attachment).where(
                Attachment.content_type == type_name, Attachment.content_id == item_id)).all():
            delete_attachment(attachment)
