from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.content import ContentMixin
from core.database import db


class Notice(ContentMixin, db.Model):
    __tablename__ = "test_notice"
    content_type_name = "noticeboard.notice"

    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
