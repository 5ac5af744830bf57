"""Keeping the index in step with content: written as items are created, changed and deleted
(the service's reaction to :class:`~core.events.ContentChanged`), or rebuilt whole."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, text, update

from core.database import db, utcnow

from .models import TEXT_SEARCH_CONFIG, SearchEntry, fold, stems
from .sources import document, kind_of, kinds


def index_item(connection, kind, item) -> None:
    """Write the search entry of ``item``, a record of ``kind`` (a content type or a search
    source), through ``connection`` (insert or update)."""
    found = document(kind, item)
    document_text = fold(f"{found.title} {found.body}")
    values = {
        "title": found.title,
        "body": found.body,
        "document": document_text,
        "neighbourhood_id": found.neighbourhood_id,
        "category_id": found.category_id,
        "is_public": found.is_public,
        "updated_at": utcnow(),
    }
    if connection.dialect.name == "postgresql":
        values["search_vector"] = func.to_tsvector(TEXT_SEARCH_CONFIG, document_text)
    key = (SearchEntry.content_type == kind.name) & (SearchEntry.content_id == item.id)
    entry_id = connection.execute(select(SearchEntry.id).where(key)).scalar()
    if entry_id is None:
        entry_id = connection.execute(
            insert(SearchEntry).values(content_type=kind.name, content_id=item.id, **values)
            .returning(SearchEntry.id)
        ).scalar_one()
    else:
        connection.execute(update(SearchEntry).where(SearchEntry.id == entry_id).values(**values))
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": entry_id})
        connection.execute(
            text("INSERT INTO search_fts (rowid, document) VALUES (:id, :document)"),
            {"id": entry_id, "document": " ".join(stems(document_text))},
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
    """Bring the entries of the items ``keys`` (``(type or source name, id)`` pairs) up to date:
    written for the records that exist and are searched, removed for the others. The caller
    commits."""
    connection = db.session.connection()
    for type_name, item_id in keys:
        kind = kind_of(type_name)
        item = db.session.get(kind.model, item_id) if kind is not None else None
        if item is not None:
            index_item(connection, kind, item)
        else:
            unindex_item(connection, type_name, item_id)


def reindex_all() -> int:
    """Rebuild the whole index (after enabling search on existing content); returns the count."""
    count = 0
    connection = db.session.connection()
    for kind in kinds():
        for item in db.session.scalars(db.select(kind.model)):
            index_item(connection, kind, item)
            count += 1
    db.session.commit()
    return count
