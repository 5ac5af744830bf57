"""Comments on content, for content types that use the ``comments`` service.

A comment belongs to a piece of content by its type name and id. Comments form threads: a reply
is attached to the first comment of its thread (``parent_id``) and remembers the comment it
answers (``reply_to_id``), so a reply to a reply stays in the same thread, shown one level
indented. An item's page shows a page of threads with the first replies of each; the rest of a
long thread is on the thread's own page (a plain link, no JavaScript needed). Text is Markdown,
rendered and sanitised when shown. Its author may change it during ``COMMENT_EDIT_MINUTES``;
moderators may hide it with a reason shown in its place.

Only confirmed accounts comment, while the content type's ``comments_open(item)`` says so
(default: while the item is public) and its ``can_comment(item, user)`` lets them. Commenting makes the author follow the item, and the
item's followers are notified. The item's ``comment_count`` is kept in step in the same
transaction, with an atomic ``UPDATE``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, event, func, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from .content import ContentMixin, item_title, load_item
from .database import UTCDateTime, db, utcnow
from .follows import follow
from .hookspecs import hookimpl
from .notifications import notify_followers
from .pagecache import expire_visitor_pages, visitor_cache
from .permissions import authorize, deny, login_required
from .web import whole_number

bp = Blueprint("comments", __name__)

STANCES = (
    ("for", _l("In favour")),
    ("against", _l("Against")),
    ("neutral", _l("Neutral")),
)
MAX_LENGTH = 5000
THREADS_PER_PAGE = 30
# Replies shown under each thread on the item's page; "show the other replies" leads to the
# thread's page, which shows them all, REPLIES_PER_PAGE at a time.
REPLIES_SHOWN = 3
REPLIES_PER_PAGE = 50


class Comment(db.Model):
    """A comment on a piece of content, or a reply within a thread of comments."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_content", "content_type", "content_id", "parent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(100))
    content_id: Mapped[int] = mapped_column(Integer)
    # The first comment of the thread (None for that first comment itself).
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    # The comment this one answers (the parent, or another reply of the same thread).
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    stance: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # Shown in place of the text; None while hidden only by reports, awaiting a moderator.
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author = relationship("User", foreign_keys=[author_id], lazy="joined")

    @property
    def item(self):
        """The piece of content this comment is on (loaded once)."""
        cached = self.__dict__.get("_civique_item")
        if cached is None:
            cached = load_item(self.content_type, self.content_id)
            self.__dict__["_civique_item"] = cached
        return cached

    def attach_item(self, item) -> None:
        """Tell the comment its item, already loaded (no query when the thread is shown)."""
        self.__dict__["_civique_item"] = item

    @property
    def author_name(self):
        return self.author.public_name if self.author is not None else _l("Deleted participant")

    @property
    def stance_label(self):
        return dict(STANCES).get(self.stance or "")

    @property
    def edit_deadline(self) -> datetime:
        return self.created_at + timedelta(minutes=current_app.config["COMMENT_EDIT_MINUTES"])

    def is_author(self, user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.id == self.author_id

    def allows(self, user, action: str) -> bool:
        """``view``: whoever may see the item; ``edit``: the author, for a short while."""
        item = self.item
        if item is None or not item.allows(user, "view"):
            return False
        if action == "view":
            return True
        if action == "edit":
            return self.is_author(user) and not self.is_hidden and utcnow() < self.edit_deadline
        return False


class CommentRefused(ValueError):
    """A comment cannot be posted or changed; ``message`` says why, for its author."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- Rules ----------------------------------------------------------------------------------------


def uses_comments(item) -> bool:
    return item is not None and item.content_type.uses("comments")


def comments_open(item) -> bool:
    """Whether the item accepts new comments (its type decides; default: while it is public)."""
    if item.is_hidden:
        return False
    check = item.content_type.comments_open
    return bool(check(item)) if check is not None else bool(item.is_public)


def refusal(item, user):
    """Why ``user`` may not comment on ``item`` now (a translated sentence), or ``None``."""
    if not comments_open(item):
        return _l("Comments are closed.")
    if not getattr(user, "is_authenticated", False):
        return _l("Log in to comment.")
    if not user.is_confirmed:
        return _l(
            "Confirm your e-mail address before commenting: follow the link in the mail we sent you."
        )
    check = item.content_type.can_comment
    return check(item, user) if check is not None else None


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CommentRefused(_l("Write your comment before sending it."))
    if len(body) > MAX_LENGTH:
        raise CommentRefused(_l("A comment has %(max)s characters at most.", max=MAX_LENGTH))
    return body


def _clean_stance(item, stance: str | None, is_reply: bool) -> str | None:
    if not stance or is_reply or not item.content_type.comment_stances:
        return None
    if stance not in dict(STANCES):
        raise CommentRefused(_l("Choose a position from the list."))
    return stance


def post_comment(item, user, body: str, *, stance: str | None = None, reply_to: Comment | None = None) -> Comment:
    """Add ``user``'s comment on ``item`` (a reply when ``reply_to`` is given); the caller commits.

    Raises :class:`CommentRefused` with a message for the author. Bumps the item's
    ``comment_count``, makes the author follow the item and notifies its followers.
    """
    reason = refusal(item, user)
    if reason is not None:
        raise CommentRefused(reason)
    if reply_to is not None:
        if (reply_to.content_type, reply_to.content_id) != (item.content_type_name, item.id):
            raise CommentRefused(_l("This comment belongs to another discussion."))
        if reply_to.is_hidden:
            raise CommentRefused(_l("This comment was hidden by moderation and cannot be answered."))
    comment = Comment(
        content_type=item.content_type_name,
        content_id=item.id,
        parent_id=(reply_to.parent_id or reply_to.id) if reply_to is not None else None,
        reply_to_id=reply_to.id if reply_to is not None else None,
        author_id=user.id,
        body=_clean_body(body),
        stance=_clean_stance(item, stance, reply_to is not None),
    )
    comment.attach_item(item)
    db.session.add(comment)
    db.session.flush()
    _count_comment(item)
    _follow_and_notify(item, user)
    return comment


def _count_comment(item) -> None:
    """``comment_count = comment_count + 1`` in the database, whatever other requests do."""
    model = type(item)
    db.session.execute(
        update(model)
        .where(model.id == item.id)
        .values(comment_count=model.comment_count + 1, updated_at=model.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(item, ["comment_count"])


def _follow_and_notify(item, user) -> None:
    follow(user, item)
    name, title = str(user.public_name), item_title(item)
    notify_followers(
        item,
        "comments.new",
        lambda: _("%(name)s commented on “%(title)s”", name=name, title=title),
        actor=user,
    )


def edit_comment(comment: Comment, user, body: str, stance: str | None = None) -> None:
    """Change the text (and position) of ``comment``; only its author, for a short while."""
    if not comment.is_author(user):
        raise CommentRefused(_l("Only the author of a comment may change it."))
    if comment.is_hidden:
        raise CommentRefused(_l("This comment was hidden by moderation and cannot be changed."))
    if utcnow() >= comment.edit_deadline:
        raise CommentRefused(
            _l(
                "A comment can be changed only within %(minutes)s minutes of posting it.",
                minutes=current_app.config["COMMENT_EDIT_MINUTES"],
            )
        )
    comment.body = _clean_body(body)
    comment.stance = _clean_stance(comment.item, stance, comment.parent_id is not None)
    comment.edited_at = utcnow()
    expire_visitor_pages()  # an author may take back what they regret: not 10 s more


# --- Reading threads ------------------------------------------------------------------------------


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


# --- Forms and views ------------------------------------------------------------------------------


class CommentForm(FlaskForm):
    """A comment, with a position when the content type asks for one."""

    body = TextAreaField(
        _l("Your comment"),
        description=_l("Markdown is accepted: *italics*, **bold**, lists and links."),
        validators=[
            DataRequired(_l("Write your comment before sending it.")),
            Length(max=MAX_LENGTH, message=_l("A comment has %(max)s characters at most.", max=MAX_LENGTH)),
        ],
    )
    stance = RadioField(
        _l("Your position"),
        choices=[("", _l("No position"))] + [(value, label) for value, label in STANCES],
        default="",
        validate_choice=True,
    )


def new_form(item, comment: Comment | None = None, is_reply: bool = False) -> CommentForm:
    """The comment form for ``item`` (filled with ``comment`` when editing)."""
    form = CommentForm(obj=comment) if comment is not None else CommentForm()
    if comment is not None and form.stance.data is None:
        form.stance.data = ""
    if is_reply or not item.content_type.comment_stances:
        del form.stance
    return form


def _item_or_404(type_name: str, item_id: int):
    item = load_item(type_name, item_id)
    if not uses_comments(item):
        abort(404)
    return authorize(item, "view")


def _page_arg() -> int:
    return whole_number(request.args.get("comments_page"), 0) or 1


@bp.route("/content/<type_name>/<int:id>/comments", methods=["GET", "POST"])
@login_required
def post(type_name: str, id: int):
    """Write a comment or a reply (``?reply_to=<comment id>``); the form page shows errors."""
    item = _item_or_404(type_name, id)
    reply_to = None
    reply_to_id = request.values.get("reply_to", "")
    if reply_to_id:
        number = whole_number(reply_to_id)
        reply_to = db.session.get(Comment, number) if number is not None else None
        if reply_to is None or (reply_to.content_type, reply_to.content_id) != (type_name, id):
            abort(404)
        reply_to.attach_item(item)
    reason = refusal(item, current_user)
    if reason is not None:
        flash(str(reason), "error")
        return redirect(item.url + "#comments")
    form = new_form(item, is_reply=reply_to is not None)
    if form.validate_on_submit():
        stance = form.stance.data if "stance" in form else None
        try:
            comment = post_comment(item, current_user, form.body.data, stance=stance, reply_to=reply_to)
        except CommentRefused as refused:
            form.body.errors = [str(refused.message)]
        else:
            db.session.commit()
            flash(_("Your comment has been published."), "success")
            return redirect(comment_url(comment))
    return render_template("comments/form.html", item=item, form=form, reply_to=reply_to, comment=None)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(comment_id: int):
    """The author changes their comment, within ``COMMENT_EDIT_MINUTES`` of posting it."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or not uses_comments(comment.item):
        abort(404)
    authorize(comment, "view")
    if not comment.is_author(current_user):
        deny()
    if not comment.allows(current_user, "edit"):
        if comment.is_hidden:
            flash(_("This comment was hidden by moderation and cannot be changed."), "error")
        else:
            flash(
                _(
                    "A comment can be changed only within %(minutes)s minutes of posting it.",
                    minutes=current_app.config["COMMENT_EDIT_MINUTES"],
                ),
                "error",
            )
        return redirect(comment_url(comment))
    form = new_form(comment.item, comment, is_reply=comment.parent_id is not None)
    if form.validate_on_submit():
        stance = form.stance.data if "stance" in form else None
        try:
            edit_comment(comment, current_user, form.body.data, stance)
        except CommentRefused as refused:
            form.body.errors = [str(refused.message)]
        else:
            db.session.commit()
            flash(_("Your comment has been changed."), "success")
            return redirect(comment_url(comment))
    return render_template("comments/form.html", item=comment.item, form=form, reply_to=None, comment=comment)


@bp.get("/comments/<int:comment_id>/replies")
@visitor_cache
def thread(comment_id: int):
    """A thread on a page of its own: its first comment and all its replies, page by page."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or not uses_comments(comment.item):
        abort(404)
    authorize(comment, "view")
    if comment.parent_id is not None:
        return redirect(url_for("comments.thread", comment_id=comment.parent_id))
    section = load_thread(comment, whole_number(request.args.get("page"), 0) or 1)
    return render_template("comments/thread.html", item=comment.item, section=section,
                           thread=section.threads[0])


def _register_globals(state):
    env = state.app.jinja_env
    env.globals["comment_section"] = lambda item: load_section(item, _page_arg())
    env.globals["new_comment_form"] = new_form
    env.globals["comment_stances"] = STANCES


bp.record_once(_register_globals)


# --- Content deleted: its comments go with it -----------------------------------------------------


@event.listens_for(Session, "after_flush")
def _delete_comments_of_deleted_content(session: Session, flush_context) -> None:
    deleted = [obj for obj in session.deleted if isinstance(obj, ContentMixin)]
    if not deleted:
        return
    connection = session.connection()
    for obj in deleted:
        connection.execute(
            Comment.__table__.delete().where(
                Comment.__table__.c.content_type == obj.content_type_name,
                Comment.__table__.c.content_id == obj.id,
            )
        )


# --- Personal data ----------------------------------------------------------------------------


@hookimpl
def export_user_data(user):
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)
    )
    rows = [
        {
            "id": c.id,
            "on": f"{c.content_type}/{c.content_id}",
            "in_reply_to": c.reply_to_id,
            "text": c.body,
            "position": c.stance,
            "created_at": c.created_at.isoformat(),
            "edited_at": c.edited_at.isoformat() if c.edited_at else None,
            "hidden_by_moderation": c.is_hidden,
        }
        for c in comments
    ]
    return {"comments": rows} if rows else None


@hookimpl
def erase_user_data(user):
    """Nothing to erase: comments belong to public discussions and stay, shown as from a
    deleted participant once the core has anonymised the account (``User.public_name``)."""
