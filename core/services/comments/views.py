"""The comments' pages: writing a comment or a reply, changing it, a thread on its own page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.content import load_item
from core.database import db
from core.pagecache import visitor_cache
from core.permissions import authorize, deny, login_required
from core.web import whole_number

from .forms import new_form
from .models import Comment
from .rules import CommentRefused, edit_comment, post_comment, refusal, uses_comments
from .threads import comment_url, load_section, load_thread

bp = Blueprint("comments", __name__, template_folder="templates")


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


def comment_section(item):
    """The page of ``item``'s threads asked for in the query string (``?comments_page=``)."""
    return load_section(item, _page_arg())
