"""What can be reported and hidden: a piece of content, or a comment on one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.content import item_title, load_item, registry
from core.database import db
from core.services.comments import Comment, comment_url

from .models import COMMENT


@dataclass
class Target:
    """Something that can be reported and hidden, with the piece of content it belongs to."""

    type: str
    obj: Any
    item: Any

    @property
    def id(self) -> int:
        return self.obj.id

    @property
    def is_comment(self) -> bool:
        return self.type == COMMENT

    @property
    def is_hidden(self) -> bool:
        return bool(self.obj.is_hidden)

    @property
    def author(self):
        return self.obj.author

    @property
    def author_name(self):
        author = self.obj.author
        return author.public_name if author is not None else _l("Deleted participant")

    @property
    def title(self) -> str:
        return item_title(self.item)

    @property
    def text(self) -> str:
        return getattr(self.obj, "body", "") or ""

    @property
    def kind_label(self):
        return _l("Comment") if self.is_comment else self.item.content_type.label

    @property
    def url(self) -> str:
        return comment_url(self.obj) if self.is_comment else self.item.url

    @property
    def key(self) -> tuple[str, int]:
        return self.type, self.id

    def _where(self, model):
        return (model.target_type == self.type) & (model.target_id == self.id)


def target_of(obj) -> Target:
    """The target for a comment or a piece of content already loaded."""
    if isinstance(obj, Comment):
        return Target(COMMENT, obj, obj.item)
    return Target(obj.content_type_name, obj, obj)


def load_target(target_type: str, target_id: int) -> Target | None:
    """The target ``target_type``/``target_id``, or ``None`` (unknown, or not moderated)."""
    if target_type == COMMENT:
        comment = db.session.get(Comment, target_id)
        if comment is None or comment.item is None or not comment.item.content_type.uses("comments"):
            return None
        return Target(COMMENT, comment, comment.item)
    item = load_item(target_type, target_id)
    if item is None or not item.content_type.uses("moderation"):
        return None
    return Target(target_type, item, item)


def load_targets(keys: list[tuple[str, int]]) -> dict[tuple[str, int], Target]:
    """Load many targets with one query per type (the queue)."""
    ids_by_type: dict[str, set[int]] = {}
    for target_type, target_id in keys:
        ids_by_type.setdefault(target_type, set()).add(target_id)
    comments = []
    if COMMENT in ids_by_type:
        comments = list(db.session.scalars(select(Comment).where(Comment.id.in_(ids_by_type.pop(COMMENT)))))
    items_wanted: dict[str, set[int]] = {t: set(ids) for t, ids in ids_by_type.items()}
    for comment in comments:
        items_wanted.setdefault(comment.content_type, set()).add(comment.content_id)
    types = registry()
    items: dict[tuple[str, int], Any] = {}
    for type_name, ids in items_wanted.items():
        content_type = types.get(type_name)
        if content_type is None:
            continue
        model = content_type.model
        for item in db.session.scalars(select(model).where(model.id.in_(ids))):
            items[(type_name, item.id)] = item
    targets: dict[tuple[str, int], Target] = {}
    for comment in comments:
        item = items.get((comment.content_type, comment.content_id))
        if item is not None:
            comment.attach_item(item)
            targets[(COMMENT, comment.id)] = Target(COMMENT, comment, item)
    for type_name, ids in ids_by_type.items():
        for target_id in ids:
            item = items.get((type_name, target_id))
            if item is not None and item.content_type.uses("moderation"):
                targets[(type_name, target_id)] = Target(type_name, item, item)
    return targets
