"""Core service: attachments and images, for content types that use the ``attachments`` service.

A file is checked by its content, cleaned (images re-encoded without their metadata) and
stored under a name of our own (:mod:`.files`); it is served only through the service's page,
which checks that the visitor may see the item it belongs to. When an item is deleted, its
files go with it (the reaction to :class:`~core.events.ContentChanged` below). Templates use
``attachments/_macros.html`` (``attachments``, ``upload_form``).
"""

from core.events import ContentChanged
from core.hookspecs import hookimpl

from .files import (
    AttachmentRefused, attachments_of, cover_images, delete_attachment, delete_attachments_of, save_upload,
)
from .forms import UploadForm
from .models import Attachment, storage_root

__all__ = ["Attachment", "AttachmentRefused", "UploadForm", "attachments_of", "cover_images",
           "delete_attachment", "save_upload", "storage_root"]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def template_variables():
    return {"attachments_of": attachments_of, "attachment_upload_form": UploadForm,
            "attachment_url": attachment_url}


def attachment_url(attachment: Attachment) -> str:
    """Where ``attachment`` is served (to those who may see its item)."""
    from flask import url_for

    return url_for("attachments.serve", attachment_id=attachment.id, filename=attachment.original_name)


@hookimpl
def track_event(event):
    if isinstance(event, ContentChanged) and event.deleted:
        delete_attachments_of(event.deleted)
