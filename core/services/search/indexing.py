"""Keeping the index in step with content: written as items are created, changed and deleted
(the service's reaction to :class:`~core.events.ContentChanged`), or rebuilt whole."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, text, update

from core.content import item_title, registry, types_using
from core.database import db, utcnow

from .models import TEXT_SEARCH_CONFIG, SearchEntry, fold, stems


def _document(item) -> tuple[str, str]:
    content_type = item.content_type
    body = content_type.search_text(item) if content_type.search_text else getattr(item, "body", "")
    return item_title(item)[:300], body or ""


def index_item(connection, item) -> None:
    """Write the search entry of ``item`` (insert or update) through ``connection``."""
    title, body = _document(item)
    document = fold(f"{title} {body}")
    values = {
        "title": title,
        "body": body,
        "document": document,
        "neighbourhood_id": item.neighbourhood_id,
        "category_id": item.category_id,
        "is_public": bool(item.is_public),
        "updated_at": utcnow(),
    }
    if connection.dialect.name == "postgresql":
        values["search_vector"] = func.to_tsvector(TEXT_SEARCH_CONFIG, document)
    key = (SearchEntry.content_type == item.content_type_name) & (SearchEntry.content_id == item.id)
    entry_id = connection.execute(select(SearchEntry.id).where(key)).scalar()
    if entry_id is None:
        entry_id = connection.execute(
            insert(SearchEntry).values(content_type=item.content_type_name, content_id=item.id, **values)
            .returning(SearchEntry.id)
        ).scalar_one()
    else:
        connection.execute(update(SearchEntry).where(SearchEntry.id == entry_id).values(**values))
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": entry_id})
        connection.execute(
            text("INSERT INTO search_fts (rowid, document) VALUES (:id, :document)"),
            {"id": entry_id, "document": " ".join(stems(document))},
        )


def unindex_item(connection, type_name: str, item_id: int) -> None:
    key = (SearchEntry.content_type == type_name) & (SearchEntry.content_id == item_id)
    entry_id = connection.execute(select(SearchEntry.id).where(key)).scalar()
    if entry_id is None:
        return
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": entry_id})
    connection.execute(delete(SearchEntry).where(SearchEntry.id == entry_id))


def reindex(keys) -> None:
    """Bring the entries of the items ``keys`` (``(type name, id)`` pairs) up to date: written
    for the items that exist and use search, removed for the others. The caller commits."""
    types = registry()
    connection = db.session.connection()
    for type_name, item_id in keys:
        content_type = types.get(type_name)
        item = db.session.get(content_type.model, item_id) if content_type is not None else None
        if item is not None and content_type.uses("search"):
            index_item(connection, item)
        else:
            unindex_item(connection, type_name, item_id)


def reindex_all() -> int:
    """Rebuild the whole index (after enabling search on existing content); returns the count."""
    count = 0
    connection = db.session.connection()
    for content_type in types_using("search"):
        for item in db.session.scalars(db.select(content_type.model)):
            index_item(connection, item)
            count += 1
    db.session.commit()
    return count
