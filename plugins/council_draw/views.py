"""The public pages of citizens' councils, under ``/councils/``: the councils, a council's page
(with the members who agreed and its meetings, through the core's bodies service), the call form, the draw's public page (before the ceremony: the
pool, quotas and probabilities; after: the seed, the witnesses, the result and how to verify),
the record itself (JSON), and the answer page drawn members reach from their e-mail.

The city's pages are in ``staff.py``, on a blueprint of their own (``council_draw_staff``) under
the same ``/councils/`` addresses.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.services.bodies import register_pages
from core.database import db, utcnow
from core.mail import send_mail
from core.pagecache import visitor_cache
from core.permissions import authorize, get_or_404
from core.settings import get_setting

from .councils import candidates_of, taken_pseudonyms, unique_pseudonym
from .draws import DrawRefused, member_for_token, pool_is_frozen, respond as record_response
from .eligibility import refresh_flags
from .forms import RespondForm, application_form
from .models import Candidate, Council, Draw
from .workflow import MANAGE

bp = Blueprint("council_draw", __name__, url_prefix="/councils", template_folder="templates",
               static_folder="static", static_url_path="/static")


def council_percent(value: float | None) -> str:
    """A probability as a percentage with two decimals, for the current locale (a template
    global: ``council_percent(probability)``; none is 0 %)."""
    return f"{format_decimal(float(value or 0) * 100, format='0.00')}\u00a0%"


def today() -> date:
    return utcnow().date()


def retention_text(council: Council) -> str:
    months = int(get_setting("council_draw", "retention_months"))
    return _("Your data is used only for this draw and the life of the council, seen only by the "
             "city's officers in charge, and erased %(months)s months after the end of the term "
             "(%(end)s). Only an anonymous record of the draw is kept.",
             months=months, end=council.term_end.strftime("%d/%m/%Y"))


@bp.get("/")
@visitor_cache
def index():
    councils = db.session.scalars(
        db.select(Council).where(Council.is_published.is_(True))
        .order_by(Council.term_start.desc(), Council.id.desc())
    ).all()
    return render_template("council_draw/index.html", councils=councils, today=today())


# The councils' members and meetings: the core's pages, under /councils/bodies/.
register_pages(bp, MANAGE)


@bp.get("/<int:id>")
@visitor_cache
def council(id: int):
    council = get_or_404(Council, id)
    draw = council.current_draw
    public_draw = draw if draw is not None and draw.is_public else None
    return render_template("council_draw/council.html", council=council, draw=public_draw,
                           body=council.body, today=today(), application=_own_application(council))


def _own_application(council: Council) -> Candidate | None:
    """The application the person reading has made to ``council``: theirs if signed in, or the
    one made from this browser (the id is kept in the session after the form)."""
    if current_user.is_authenticated:
        mine = db.session.scalars(select(Candidate).where(
            Candidate.council_id == council.id,
            (Candidate.user_id == current_user.id) | (Candidate.email == current_user.email.lower()),
        )).first()
        if mine is not None:
            return mine
    applied = session.get("council_applications", {}).get(str(council.id))
    return db.session.get(Candidate, applied) if applied else None


@bp.route("/<int:id>/apply", methods=["GET", "POST"])
def apply(id: int):
    council = get_or_404(Council, id)
    if not council.call_is_open(today()) or pool_is_frozen(council):
        flash(_("The call for candidates of this council is not open."), "error")
        return redirect(url_for("council_draw.council", id=council.id))
    form = application_form(council, retention_text(council))()
    if current_user.is_authenticated and request.method == "GET":
        form.email.data = current_user.email
    if form.validate_on_submit():
        candidate = _candidate_from(council, form)
        db.session.add(candidate)
        db.session.flush()
        refresh_flags(council, candidates_of(council))
        send_mail(candidate.email, _("Your application to “%(council)s”",
                                     council=council.name),
                  "council_draw/mail/application", name=candidate.full_name, council=council,
                  retention=retention_text(council))
        db.session.commit()
        session["council_applications"] = {**session.get("council_applications", {}),
                                           str(council.id): candidate.id}
        flash(_("Thank you! Your application is recorded; a confirmation was sent to %(email)s.",
                email=candidate.email), "success")
        return redirect(url_for("council_draw.council", id=council.id))
    feature_fields = [form[f"feature_{f.key}"] for f in council.features
                      if f"feature_{f.key}" in form]
    return render_template("council_draw/apply.html", council=council, form=form,
                           feature_fields=feature_fields)


def _candidate_from(council: Council, form) -> Candidate:
    chosen = {f.key: form[f"feature_{f.key}"].data for f in council.features
              if f"feature_{f.key}" in form}
    college = next(c for c in council.colleges if c.id == form.college.data)
    neighbourhood = next(n for n in council.neighbourhoods if n.id == form.neighbourhood.data)
    return Candidate(
        council_id=council.id, college=college, college_id=college.id,
        pseudonym=unique_pseudonym(council.id, taken_pseudonyms(council.id)),
        first_name=form.first_name.data.strip(), last_name=form.last_name.data.strip(),
        email=form.email.data.strip().lower(), phone=(form.phone.data or "").strip() or None,
        birth_date=form.birth_date.data, address=form.address.data.strip(),
        neighbourhood=neighbourhood, neighbourhood_id=neighbourhood.id,
        motivation=(form.motivation.data or "").strip(), features=chosen,
        consent_at=utcnow(), source="form",
        user_id=current_user.id if current_user.is_authenticated else None,
    )


def _public_draw(id: int, draw_id: int) -> Draw:
    council = get_or_404(Council, id)
    draw = db.session.get(Draw, draw_id)
    if draw is None or draw.council_id != council.id or not draw.is_public:
        abort(404)
    return authorize(draw)


def _labels(council: Council) -> dict[str, dict]:
    """Feature key -> (name, value key -> label), to show the record's keys readably."""
    return {f.key: {"name": f.name, "values": {v.key: v.label for v in f.values}}
            for f in council.features}


@bp.get("/<int:id>/draws/<int:draw_id>")
@visitor_cache
def draw(id: int, draw_id: int):
    draw = _public_draw(id, draw_id)
    replacements = [m for m in draw.members if m.replaces_id is not None]
    reserve_ranks = {
        key: {pseudonym: rank for rank, pseudonym in enumerate(outcome.get("reserve", []), start=1)}
        for key, outcome in (draw.record.get("result") or {}).items()
    }
    published = draw.record.get("published_at")
    return render_template("council_draw/draw.html", council=draw.council, draw=draw,
                           record=draw.record, labels=_labels(draw.council),
                           published_at=datetime.fromisoformat(published) if published else None,
                           replacements=replacements, reserve_ranks=reserve_ranks)


@bp.get("/<int:id>/draws/<int:draw_id>/record.json")
def record_json(id: int, draw_id: int):
    draw = _public_draw(id, draw_id)
    body = json.dumps(draw.record, ensure_ascii=False, indent=1, sort_keys=True)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="council-{draw.council_id}-draw-{draw.id}.json"')
    return response


@bp.route("/answer/<token>", methods=["GET", "POST"])
def respond(token: str):
    """A drawn member's answer, from the link in their e-mail (no account needed)."""
    member = member_for_token(token)
    if member is None or member.draw.status != "done":
        abort(404)
    form = RespondForm()
    if request.method == "POST" and form.validate_on_submit():
        accept = request.form.get("answer") == "accept"
        try:
            record_response(member, accept, form.name_shown.data)
        except DrawRefused as refused:
            flash(str(refused.message), "error")
        else:
            db.session.commit()
            flash(_("Thank you: you are now a member of the council.") if accept else
                  _("Your answer is recorded. The council's team will now invite the next person on the reserve list in your place."),
                  "success")
        return redirect(url_for("council_draw.respond", token=token))
    return render_template("council_draw/respond.html", member=member, form=form,
                           council=member.draw.council)
