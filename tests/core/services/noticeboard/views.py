from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from core.services.bodies import register_pages
from core.content import get_type
from core.database import db
from core.pagecache import visitor_cache
from core.permissions import get_or_404, login_required
from core.services.supports import preload_supports
from core.workflows import start

from .models import Notice

bp = Blueprint("noticeboard", __name__, url_prefix="/notices", template_folder="templates")

# The notice board's residents' committee: the bodies-and-meetings service's pages, under /notices/bodies/.
register_pages(bp, "noticeboard.notice.manage")


class NoticeForm(FlaskForm):
    title = StringField(_("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_("Text"), validators=[DataRequired()])


@bp.get("/")
@visitor_cache
def index():
    query = (
        db.select(Notice)
        .where(Notice.is_hidden.is_(False), Notice.state != "draft")
        .order_by(Notice.support_count.desc(), Notice.id.desc())
    )
    page = db.paginate(query, per_page=min(request.args.get("per_page", 20, type=int), 100), error_out=False)
    # One query tells which notices of the page the visitor supports (none per item).
    preload_supports(current_user, page.items)
    return render_template("noticeboard/index.html", page=page, content_type=get_type(Notice.content_type_name))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = NoticeForm()
    if form.validate_on_submit():
        notice = Notice(title=form.title.data, body=form.body.data, author_id=current_user.id)
        start(notice)
        db.session.add(notice)
        db.session.commit()
        return redirect(url_for("noticeboard.detail", id=notice.id))
    return render_template("noticeboard/form.html", form=form)


@bp.get("/<int:id>")
@visitor_cache
def detail(id: int):
    notice = get_or_404(Notice, id)
    return render_template("noticeboard/detail.html", notice=notice)
