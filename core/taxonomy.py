"""Neighbourhoods and categories: shared by every plugin, managed by admins."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .database import db


class Neighbourhood(db.Model):
    """A neighbourhood (quartier) of the municipality."""

    __tablename__ = "neighbourhood"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Its outline, a GeoJSON Polygon or MultiPolygon uploaded by staff (core.services.maps).
    boundary: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.name


class Category(db.Model):
    """A theme (mobility, environment, culture...) used to sort content."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __str__(self) -> str:
        return self.name


def neighbourhood_choices(empty_label=None) -> list[tuple[str, str]]:
    """``(id, name)`` pairs for a select field, ordered as admins ordered them."""
    rows = db.session.scalars(
        db.select(Neighbourhood).order_by(Neighbourhood.position, Neighbourhood.name)
    )
    choices = [(str(n.id), n.name) for n in rows]
    return ([("", empty_label)] if empty_label is not None else []) + choices


def category_choices(empty_label=None) -> list[tuple[str, str]]:
    """``(id, name)`` pairs for a select field, ordered as admins ordered them."""
    rows = db.session.scalars(db.select(Category).order_by(Category.position, Category.name))
    choices = [(str(c.id), c.name) for c in rows]
    return ([("", empty_label)] if empty_label is not None else []) + choices
