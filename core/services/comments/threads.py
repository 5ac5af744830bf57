"""Reading a discussion: a page of an item's threads with their first replies, a whole thread,
and where a comment is (its address)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask import url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from core.database import db

from .models import Comment
from .rules import comments_open, refusal

THREADS_PER_PAGE = 30
# Replies shown under each thread on the item's page; "show the other replies" leads to the
# thread's page, which shows them all, REPLIES_PER_PAGE at a time.
REPLIES_SHOWN = 3
REPLIES_PER_PAGE = 50


@dataclass
class Thread:
    """A first comment and the replies shown with it, oldest first, out of ``reply_count``."""

    root: Comment
    replies: list[Comment] = field(default_factory=list)
    reply_count: int = 0

    @property
    def more_replies(self) -> int:
        """How many replies of the thread are not shown here (on the thread's page)."""
        return max(self.reply_count - len(self.replies), 0)


@dataclass
class CommentSection:
    """What the ``comments(item)`` macro shows: one page of threads, and whether one may write."""

    item: object
    threads: list[Thread]
    page: int
    pages: int
    total: int
    is_open: bool
    refusal: object
    by_id: dict[int, Comment]

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def comments(self) -> list[Comment]:
        return list(self.by_id.values())

    @property
    def ids(self) -> list[int]:
        return list(self.by_id)


def _item_filter(item):
    return (Comment.content_type == item.content_type_name) & (Comment.content_id == item.id)


def load_section(item, page: int = 1, per_page: int = THREADS_PER_PAGE,
                 replies_shown: int = REPLIES_SHOWN) -> CommentSection:
    """One page of ``item``'s threads with the first ``replies_shown`` replies of each and the
    number of the others, in two queries whatever their length (authors joined)."""
    key = _item_filter(item)
    roots = db.session.scalar(
        select(func.count()).select_from(Comment).where(key, Comment.parent_id.is_(None))
    ) or 0
    pages = max(1, math.ceil(roots / per_page))
    page = min(max(page, 1), pages)
    by_id: dict[int, Comment] = {}
    threads: list[Thread] = []
    if roots:
        root_ids = (
            select(Comment.id)
            .where(key, Comment.parent_id.is_(None))
            .order_by(Comment.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        # Number each thread's comments (its first comment is 1: the lowest id of the thread)
        # and count them, in the database: only what is shown is read.
        thread_key = func.coalesce(Comment.parent_id, Comment.id)
        numbered = (
            select(
                Comment.id.label("id"),
                func.row_number().over(partition_by=thread_key, order_by=Comment.id).label("position"),
                func.count().over(partition_by=thread_key).label("size"),
            )
            .where(key, or_(Comment.id.in_(root_ids), Comment.parent_id.in_(root_ids)))
            .subquery()
        )
        query = (
            select(Comment, numbered.c.size)
            .join(numbered, numbered.c.id == Comment.id)
            .where(numbered.c.position <= replies_shown + 1)
            .order_by(Comment.id)
        )
        by_thread: dict[int, Thread] = {}
        for comment, size in db.session.execute(query).unique():
            comment.attach_item(item)
            by_id[comment.id] = comment
            if comment.parent_id is None:
                by_thread[comment.id] = Thread(comment, reply_count=size - 1)
                threads.append(by_thread[comment.id])
            elif comment.parent_id in by_thread:
                by_thread[comment.parent_id].replies.append(comment)
    return CommentSection(
        item=item,
        threads=threads,
        page=page,
        pages=pages,
        total=item.comment_count,
        is_open=comments_open(item),
        refusal=refusal(item, current_user),
        by_id=by_id,
    )


def load_thread(root: Comment, page: int = 1, per_page: int | None = None) -> CommentSection:
    """A whole thread, for its own page: the first comment and a page of its replies."""
    per_page = per_page or REPLIES_PER_PAGE
    item = root.item
    key = _item_filter(item) & (Comment.parent_id == root.id)
    count = db.session.scalar(select(func.count()).select_from(Comment).where(key)) or 0
    pages = max(1, math.ceil(count / per_page))
    page = min(max(page, 1), pages)
    replies = list(db.session.scalars(
        select(Comment).where(key).order_by(Comment.id).limit(per_page).offset((page - 1) * per_page)
    ))
    # As on the item's page, "in reply to" links point only to comments shown on this page.
    by_id = {root.id: root, **{reply.id: reply for reply in replies}}
    for comment in by_id.values():
        comment.attach_item(item)
    return CommentSection(
        item=item,
        threads=[Thread(root, replies, reply_count=count)],
        page=page,
        pages=pages,
        total=count,
        is_open=comments_open(item),
        refusal=refusal(item, current_user),
        by_id=by_id,
    )


def comment_url(comment: Comment) -> str:
    """The address of ``comment``: on its item's page (on the right page of threads), or on its
    thread's page when it is a reply beyond those the item's page shows."""
    item = comment.item
    root_id = comment.parent_id or comment.id
    if comment.parent_id is not None:
        before = db.session.scalar(
            select(func.count()).select_from(Comment).where(
                Comment.parent_id == root_id, Comment.id < comment.id
            )
        ) or 0
        if before >= REPLIES_SHOWN:
            page = before // REPLIES_PER_PAGE + 1
            args = {"page": page} if page > 1 else {}
            return url_for("comments.thread", comment_id=root_id, **args) + f"#comment-{comment.id}"
    before = db.session.scalar(
        select(func.count()).select_from(Comment).where(
            _item_filter(item), Comment.parent_id.is_(None), Comment.id < root_id
        )
    ) or 0
    page = before // THREADS_PER_PAGE + 1
    if page > 1:
        return item.content_type.url(item, comments_page=page) + f"#comment-{comment.id}"
    return item.url + f"#comment-{comment.id}"
