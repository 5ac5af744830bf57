"""The attachments' table, and where the files are stored."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.database import UTCDateTime, db, utcnow


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


def storage_root() -> Path:
    configured = current_app.config.get("STORAGE_PATH")
    return Path(configured or os.path.join(current_app.instance_path, "uploads"))
