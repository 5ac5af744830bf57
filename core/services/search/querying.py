"""Finding: the entries matching a visitor's words, best first, and the items they may see.

Full-text matching uses PostgreSQL's French text search (stemming, ``websearch_to_tsquery``) or
SQLite's FTS5 over French stems (accents folded, the Snowball French stemmer, prefix matching). Ranking is done by the database, from what is
stored: on PostgreSQL each entry keeps its ``tsvector`` (``search_vector``, written with the
entry, GIN-indexed) and results are ordered by ``ts_rank`` over it; on SQLite by FTS5's
``bm25``. Only one page of results is read, so the cost of a search grows with the number of
matches the index finds, never with a text re-parsed per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_login import current_user
from sqlalchemy import Float, Integer, func, select, text

from core.database import db
from core.taxonomy import Neighbourhood

from .models import TEXT_SEARCH_CONFIG, SearchEntry, fold, stems
from .sources import kind_of, record_url


def _fts5_query(terms: str) -> str:
    """A safe FTS5 query: each word's French stem quoted, as a prefix, all required."""
    return " ".join(f'"{stem}"*' for stem in stems(terms))


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


@dataclass(frozen=True)
class Found:
    """One result as the search page shows it: its entry (title, text), what kind of record it
    is, its page and its neighbourhood's name."""

    entry: SearchEntry
    item: Any
    label: str
    url: str
    neighbourhood: str


def visible_results(entries) -> list[Found]:
    """Load the records behind ``entries`` (one query per kind) and keep those the visitor may
    see."""
    by_type: dict[str, list[int]] = {}
    for entry in entries:
        by_type.setdefault(entry.content_type, []).append(entry.content_id)
    items = {}
    for type_name, ids in by_type.items():
        kind = kind_of(type_name)
        if kind is None:
            continue
        model = kind.model
        for item in db.session.scalars(db.select(model).where(model.id.in_(ids))):
            items[(type_name, item.id)] = (kind, item)
    wanted = {entry.neighbourhood_id for entry in entries if entry.neighbourhood_id}
    names = dict(db.session.execute(db.select(Neighbourhood.id, Neighbourhood.name)
                                    .where(Neighbourhood.id.in_(wanted))).all()) if wanted else {}
    results = []
    for entry in entries:
        kind, item = items.get((entry.content_type, entry.content_id), (None, None))
        if item is None or (hasattr(item, "allows") and not item.allows(current_user, "view")):
            continue
        results.append(Found(entry, item, str(kind.label), record_url(kind, item),
                             names.get(entry.neighbourhood_id, "")))
    return results
