"""Search: one page over every enabled plugin's public content.

Content types that opt into the ``search`` service are indexed automatically: whenever such an
item is added, changed or deleted, its :class:`SearchEntry` is rewritten in the same transaction.
Full-text matching uses PostgreSQL's French text search (stemming, ``websearch_to_tsquery``) or
SQLite's FTS5 (accents folded, prefix matching). Only public items are indexed as findable, and
each result is checked against the visitor's permission before it is shown.

Ranking is done by the database, from what is stored: on PostgreSQL each entry keeps its
``tsvector`` (``search_vector``, written with the entry, GIN-indexed) and results are ordered by
``ts_rank`` over it; on SQLite by FTS5's ``bm25``. Only one page of results is read, so the cost
of a search grows with the number of matches the index finds, never with a text re-parsed per row.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import (
    DDL, Boolean, Float, Index, Integer, String, Text, UniqueConstraint, delete, event, func, insert,
    select, text, update,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, Session, mapped_column

from .content import ContentMixin, item_title, registry, types_using
from .database import UTCDateTime, db, utcnow
from .pagecache import visitor_cache
from .taxonomy import category_choices, neighbourhood_choices
from .web import whole_number

bp = Blueprint("search", __name__, url_prefix="/search")

# The document is stored without accents (folded in Python, the same way for both databases), so
# "securite" finds "sécurité"; PostgreSQL's French stemmer then matches word forms.
TEXT_SEARCH_CONFIG = "french"


def fold(text_: str) -> str:
    """Lower-case ``text_`` and strip its accents."""
    decomposed = unicodedata.normalize("NFKD", text_ or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class SearchEntry(db.Model):
    """The searchable text of one item, with what the filters need."""

    __tablename__ = "search_entry"
    __table_args__ = (
        UniqueConstraint("content_type", "content_id", name="uq_search_entry_content"),
        # GIN on PostgreSQL; on SQLite a plain index of an always empty column (kept so that
        # the schema is the same on both; SQLite searches its FTS5 table).
        Index("ix_search_entry_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(100), index=True)
    content_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[str] = mapped_column(Text, default="")
    # PostgreSQL: the document's French ``tsvector``, stored so that matching and ranking never
    # parse the text again (SQLite keeps it empty and uses its FTS5 table, ``search_fts``).
    search_vector: Mapped[str | None] = mapped_column(
        TSVECTOR().with_variant(Text(), "sqlite"), deferred=True
    )
    neighbourhood_id: Mapped[int | None] = mapped_column(Integer, index=True)
    category_id: Mapped[int | None] = mapped_column(Integer, index=True)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# SQLite: an FTS5 table whose rowid is the search entry's id.
event.listen(
    SearchEntry.__table__,
    "after_create",
    DDL(
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
        "document, tokenize = 'unicode61 remove_diacritics 2')"
    ).execute_if(dialect="sqlite"),
)
event.listen(
    SearchEntry.__table__,
    "before_drop",
    DDL("DROP TABLE IF EXISTS search_fts").execute_if(dialect="sqlite"),
)


# --- Indexing -------------------------------------------------------------------------------------


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
            {"id": entry_id, "document": document},
        )


def unindex_item(connection, type_name: str, item_id: int) -> None:
    key = (SearchEntry.content_type == type_name) & (SearchEntry.content_id == item_id)
    entry_id = connection.execute(select(SearchEntry.id).where(key)).scalar()
    if entry_id is None:
        return
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": entry_id})
    connection.execute(delete(SearchEntry).where(SearchEntry.id == entry_id))


def _searchable(obj) -> bool:
    if not isinstance(obj, ContentMixin) or not current_app:
        return False
    content_type = registry().get(obj.content_type_name)
    return content_type is not None and content_type.uses("search")


@event.listens_for(Session, "after_flush")
def _reindex_after_flush(session: Session, flush_context) -> None:
    """Keep the index in step with content, in the same transaction."""
    try:
        changed = [obj for obj in list(session.new) + list(session.dirty) if _searchable(obj)]
        deleted = [obj for obj in session.deleted if _searchable(obj)]
    except RuntimeError:  # no app context: nothing registered to index
        return
    if not changed and not deleted:
        return
    connection = session.connection()
    for obj in changed:
        index_item(connection, obj)
    for obj in deleted:
        unindex_item(connection, obj.content_type_name, obj.id)


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


# --- Querying -------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def _fts5_query(terms: str) -> str:
    """A safe FTS5 query: each word quoted, as a prefix, all required."""
    words = _WORD.findall(fold(terms))
    return " ".join(f'"{w}"*' for w in words)


def _match(query, terms: str, *, ranked: bool):
    """Restrict ``query`` (over SearchEntry) to entries matching ``terms``; best first if ``ranked``.

    Both the match and the rank come from what is stored and indexed (see the module's doc).
    """
    if db.engine.dialect.name == "postgresql":
        tsquery = func.websearch_to_tsquery(TEXT_SEARCH_CONFIG, fold(terms))
        query = query.where(SearchEntry.search_vector.op("@@")(tsquery))
        if ranked:
            query = query.order_by(
                func.ts_rank(SearchEntry.search_vector, tsquery).desc(),
                SearchEntry.updated_at.desc(), SearchEntry.id.desc(),
            )
        return query
    fts = _fts5_query(terms)
    if not fts:
        return query.where(False)
    if not ranked:
        matches = text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q").bindparams(q=fts)
        return query.where(SearchEntry.id.in_(matches.columns(rowid=Integer)))
    # bm25(): lower is better.
    matches = (
        text("SELECT rowid, bm25(search_fts) AS score FROM search_fts WHERE search_fts MATCH :q")
        .bindparams(q=fts)
        .columns(rowid=Integer, score=Float)
        .subquery("search_match")
    )
    return query.join(matches, matches.c.rowid == SearchEntry.id).order_by(
        matches.c.score, SearchEntry.updated_at.desc(), SearchEntry.id.desc()
    )


def matching_ids(terms: str, type_name: str):
    """A subquery of the ids of ``type_name`` items whose text matches ``terms``.

    For a plugin's own list pages: ``query.where(Model.id.in_(matching_ids(q, "x.y")))``.
    """
    query = db.select(SearchEntry.content_id).where(SearchEntry.content_type == type_name)
    return _match(query, terms, ranked=False)


COUNT_LIMIT = 1000


def search(terms: str, *, type_name: str | None = None, neighbourhood_id: int | None = None,
           category_id: int | None = None, page: int = 1, per_page: int = 20):
    """Public entries matching ``terms`` (best first), as a Flask-SQLAlchemy pagination.

    Its ``total`` counts at most :data:`COUNT_LIMIT` entries (the pages reach that far); its
    ``more`` is true when more match.
    """
    query = db.select(SearchEntry).where(SearchEntry.is_public.is_(True))
    if type_name:
        query = query.where(SearchEntry.content_type == type_name)
    if neighbourhood_id:
        query = query.where(SearchEntry.neighbourhood_id == neighbourhood_id)
    if category_id:
        query = query.where(SearchEntry.category_id == category_id)
    terms = (terms or "").strip()
    if terms:
        query = _match(query, terms, ranked=True)
    else:
        query = query.order_by(SearchEntry.updated_at.desc())
    # Counted up to COUNT_LIMIT + 1 only: a common word must not make every search read all its
    # matches twice. The best COUNT_LIMIT results can be browsed; ``more`` says there are others.
    found = db.session.scalar(
        select(func.count()).select_from(query.order_by(None).limit(COUNT_LIMIT + 1).subquery())
    ) or 0
    total = min(found, COUNT_LIMIT)
    page = min(max(page, 1), max(1, -(-total // per_page)))
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, count=False)
    pagination.items = pagination.items[: max(total - (page - 1) * per_page, 0)]
    pagination.total = total
    pagination.more = found > COUNT_LIMIT
    return pagination


def visible_results(entries) -> list[tuple[SearchEntry, object]]:
    """Load the items behind ``entries`` (one query per type) and keep those the visitor may see."""
    by_type: dict[str, list[int]] = {}
    for entry in entries:
        by_type.setdefault(entry.content_type, []).append(entry.content_id)
    items = {}
    types = registry()
    for type_name, ids in by_type.items():
        content_type = types.get(type_name)
        if content_type is None:
            continue
        model = content_type.model
        for item in db.session.scalars(db.select(model).where(model.id.in_(ids))):
            items[(type_name, item.id)] = item
    results = []
    for entry in entries:
        item = items.get((entry.content_type, entry.content_id))
        if item is not None and item.allows(current_user, "view"):
            results.append((entry, item))
    return results


def _int_arg(name: str) -> int | None:
    return whole_number(request.args.get(name))


@bp.get("/")
@visitor_cache
def index():
    terms = request.args.get("q", "")[:200]
    type_name = request.args.get("type") or None
    types = sorted(types_using("search"), key=lambda t: str(t.label_plural))
    if type_name and type_name not in {t.name for t in types}:
        type_name = None
    page = search(
        terms,
        type_name=type_name,
        neighbourhood_id=_int_arg("neighbourhood"),
        category_id=_int_arg("category"),
        page=_int_arg("page") or 1,
    )
    return render_template(
        "search/index.html",
        terms=terms,
        page=page,
        results=visible_results(page.items),
        types=types,
        type_name=type_name,
        neighbourhoods=neighbourhood_choices(_("All neighbourhoods")),
        categories=category_choices(_("All categories")),
        neighbourhood=request.args.get("neighbourhood", ""),
        category=request.args.get("category", ""),
        registry=registry(),
    )
