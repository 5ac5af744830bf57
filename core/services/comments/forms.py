"""The comment form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from .models import MAX_LENGTH, STANCES, Comment


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
