"""The public pages under ``/finances/``: the indicators and their trends, where a hundred euros
go, the commission (its members and meetings, through the core's bodies service) and the
residents' questions. The city's pages are in ``staff.py`` (blueprint
``finance_commission_staff``, under the same ``/finances/`` addresses).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.services.bodies import Body, ensure_body, register_pages
from core.database import db
from core.i18n import euros
from core.pagecache import kept_for_readers, visitor_cache
from core.permissions import get_or_404, login_required
from core.settings import get_setting
from core.workflows import start

from .forms import CommissionAnswerForm, DeclineForm, QuestionForm
from .indicators import BY_KEY, EUROS, INDICATORS, PERCENT, PER_INHABITANT, debt_capacity_level
from .ledger import comparisons, figures_of, hundred_euros, latest_row, series, table, years
from .models import FinanceYear, Question
from .workflow import COMMISSION_SLUG, MANAGE, NAME, PUBLIC_STATES, WORKFLOW

bp = Blueprint(NAME, __name__, url_prefix="/finances", template_folder="templates")

# The commission's members and meetings: the core's pages, under /finances/bodies/.
register_pages(bp, MANAGE)

FUNCTION_LABELS = {
    "general_services": _l("General services and administration"),
    "security": _l("Security and public safety"),
    "education": _l("Schools and education"),
    "culture_sport_youth": _l("Culture, sport and youth"),
    "health_social": _l("Health and social action"),
    "planning_housing": _l("Town planning and housing"),
    "economy": _l("Economic development"),
    "environment": _l("Environment"),
    "transport": _l("Transport and roads"),
    "european_funds": _l("European funds"),
    "": _l("Not broken down by function"),
}


def formatted(value, unit: str) -> str:
    """An indicator's value for the visitor's locale, with its unit (``finance_value`` in the
    templates)."""
    if value is None:
        return _("not computable")
    if unit in (PER_INHABITANT, EUROS):
        return euros(value)
    if unit == PERCENT:
        return format_percent(value / 100, "#,##0.0 %")
    return _("%(value)s years", value=format_decimal(value, "#,##0.0"))


def commission():
    """The finance commission (a body of the core's service), created on first use."""
    body = db.session.scalar(select(Body).where(Body.owner == NAME, Body.slug == COMMISSION_SLUG))
    if body is None:  # first visit: create it (a page that only reads commits nothing)
        body = ensure_body(NAME, COMMISSION_SLUG, _("Extra-municipal finance commission"),
                           _("Residents and elected officials who follow the city's finances, meet in "
                             "public and answer residents' questions."))
        db.session.commit()
    return body


@bp.get("/")
@kept_for_readers
def index():
    """The latest year's indicators and where its hundred euros went, the commission, the
    latest questions."""
    latest = latest_row()
    questions = db.session.scalars(
        _public_questions().order_by(Question.published_at.desc(), Question.id.desc()).limit(5)
    ).all()
    available = years()
    shares = [(str(FUNCTION_LABELS.get(key, key)), share)
              for key, share in hundred_euros(available[-1])] if available else []
    return render_template("finance_commission/index.html", latest=latest, indicators=INDICATORS,
                           body=commission(), questions=questions, shares=shares,
                           shares_year=available[-1].year if available else None, owner=NAME)


@bp.get("/indicators/<key>")
@visitor_cache
def indicator(key: str):
    """One indicator: its value, its trend as a chart and a table, what it means."""
    definition = BY_KEY.get(key)
    if definition is None:
        abort(404)
    rows = table()
    values = series(key, rows)
    compared = comparisons()
    chartable = [(str(year), value) for year, value in values if value is not None]
    return render_template(
        "finance_commission/indicator.html", indicator=definition, values=values,
        latest=values[-1] if values else None, comparisons=compared,
        chart=chartable if chartable and all(v >= 0 for _y, v in chartable) else [],
        level=debt_capacity_level(values[-1][1]) if key == "debt_capacity" and values else None,
    )


@bp.get("/budget")
@bp.get("/budget/<int:year>")
@visitor_cache
def budget(year: int | None = None):
    """Where a hundred euros of spending go, by function, and the year's main aggregates."""
    available = years()
    if not available:
        return render_template("finance_commission/budget.html", finance_year=None, shares=[], years=[],
                               aggregates={}, labels=FUNCTION_LABELS)
    if year is None:
        finance_year = available[-1]
    else:
        finance_year = db.session.scalar(select(FinanceYear).where(FinanceYear.year == year))
        if finance_year is None:
            abort(404)
    shares = [(str(FUNCTION_LABELS.get(key, key)), share) for key, share in hundred_euros(finance_year)]
    return render_template("finance_commission/budget.html", finance_year=finance_year, shares=shares,
                           years=[y.year for y in available], aggregates=figures_of(finance_year).aggregates,
                           labels=FUNCTION_LABELS)


# --- Questions ----------------------------------------------------------------------------------


def _public_questions():
    return select(Question).where(Question.state.in_(PUBLIC_STATES), Question.is_hidden.is_(False))


@bp.get("/questions")
@visitor_cache
def questions():
    items = db.session.scalars(_public_questions().order_by(Question.published_at.desc(), Question.id.desc())).all()
    return render_template("finance_commission/questions.html", questions=items, workflow=WORKFLOW,
                           form=QuestionForm(formdata=None), open=get_setting(NAME, "questions_open"))


@bp.post("/questions")
@login_required
def ask():
    """A signed-in resident asks the commission a question; moderators publish it."""
    if not get_setting(NAME, "questions_open"):
        flash(_("The commission does not take questions at the moment."), "error")
        return redirect(url_for("finance_commission.questions"))
    form = QuestionForm()
    if not form.validate_on_submit():
        items = db.session.scalars(_public_questions().order_by(Question.id.desc())).all()
        return render_template("finance_commission/questions.html", questions=items, workflow=WORKFLOW,
                               form=form, open=True), 422
    question = Question(title=form.title.data.strip(), body=(form.body.data or "").strip(),
                        author_id=current_user.id)
    start(question)
    db.session.add(question)
    db.session.commit()
    flash(_("Thank you! Your question will be published once a moderator has read it; you will be "
            "notified of the commission's answer."), "success")
    return redirect(url_for("finance_commission.question", id=question.id))


@bp.get("/questions/<int:id>")
@visitor_cache
def question(id: int):
    item = get_or_404(Question, id)
    return render_template("finance_commission/question.html", question=item, workflow=WORKFLOW,
                           answer_form=CommissionAnswerForm(formdata=None),
                           decline_form=DeclineForm(formdata=None))
