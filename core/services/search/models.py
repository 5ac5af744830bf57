"""The search index: one entry per item of a content type that uses search.

On SQLite the entries' text is also kept in an FTS5 table, ``search_fts``, whose rowid is the
entry's id (created and dropped with the ``search_entry`` table, below), as French stems
(:func:`stems`), so that "jardins" finds "jardin" there as on PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

import snowballstemmer

from sqlalchemy import DDL, Boolean, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from core.database import UTCDateTime, db, utcnow

# The document is stored without accents (folded in Python, the same way for both databases), so
# "securite" finds "sécurité"; PostgreSQL's French stemmer then matches word forms.
TEXT_SEARCH_CONFIG = "french"


def fold(text_: str) -> str:
    """Lower-case ``text_`` and strip its accents."""
    decomposed = unicodedata.normalize("NFKD", text_ or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_WORD = re.compile(r"\w+", re.UNICODE)
_FRENCH = snowballstemmer.stemmer("french")


def stems(text_: str) -> list[str]:
    """The words of ``text_``, folded then reduced to their French stem (``jardins`` and
    ``jardin`` both give ``jardin``), for SQLite's index and queries: PostgreSQL stems with its
    own French configuration."""
    result = []
    for word in _WORD.findall(fold(text_)):
        stem = _FRENCH.stemWord(word)
        if len(stem) > 3 and stem[-1] in "sx":  # plurals the stemmer keeps (velos, bancs)
            stem = stem[:-1]
        result.append(stem)
    return result


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
