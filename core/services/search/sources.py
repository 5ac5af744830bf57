"""What the search indexes: the content types that opt into it, and the plugins' other
records (:class:`~core.declarations.SearchSource`: councils, meetings...), as one list of
kinds with their words, their records' pages and who may see them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from core.content import ContentType, item_title, registry, types_using
from core.declarations import SearchSource


@dataclass(frozen=True)
class Document:
    """What the index holds of one record."""

    title: str
    body: str
    neighbourhood_id: int | None
    category_id: int | None
    is_public: bool


def sources() -> dict[str, SearchSource]:
    """The plugins' search sources by name (built once per app)."""
    found = current_app.extensions.get("civique.search_sources")
    if found is None:
        from core.plugins import collect

        found = {}
        for source in collect("search_sources"):
            if source.name in found or source.name in registry():
                raise ValueError(f"Two plugins declare the search source {source.name!r}")
            found[source.name] = source
        current_app.extensions["civique.search_sources"] = found
    return found


def kinds() -> list[ContentType | SearchSource]:
    """Every kind of record the search finds, in the order of their plural names."""
    return sorted([*types_using("search"), *sources().values()], key=lambda kind: str(kind.label_plural))


def kind_of(name: str) -> ContentType | SearchSource | None:
    """The content type (using search) or the source called ``name``, or None."""
    content_type = registry().get(name)
    if content_type is not None:
        return content_type if content_type.uses("search") else None
    return sources().get(name)


def document(kind: ContentType | SearchSource, record: Any) -> Document:
    """The title, text and filters of ``record``, as indexed."""
    if isinstance(kind, SearchSource):
        return Document(
            title=kind.title(record)[:300], body=kind.text(record) or "",
            neighbourhood_id=kind.neighbourhood_id(record) if kind.neighbourhood_id else None,
            category_id=None, is_public=bool(kind.is_public(record)))
    body = kind.search_text(record) if kind.search_text else getattr(record, "body", "")
    return Document(title=item_title(record)[:300], body=body or "",
                    neighbourhood_id=record.neighbourhood_id, category_id=record.category_id,
                    is_public=bool(record.is_public))


def record_url(kind: ContentType | SearchSource, record: Any) -> str:
    return kind.url(record) if isinstance(kind, SearchSource) else record.url
