"""The city's pages, under ``/councils/manage/`` (blueprint ``council_draw_staff``, beside the
residents' ``council_draw``): councils, colleges, features and quotas; candidates (personal
data, for holders of ``council_draw.candidates`` only) and their CSV import; the draw from the
probabilities to the ceremony; answers, withdrawals and replacements.

Every page checks its permission on the object; every change is written to the audit log.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.services.audit import record as audit
from core.database import db
from core.pagecache import expire_visitor_pages
from core.permissions import authorize, get_or_404, permission_required
from core.taxonomy import Neighbourhood
from core.web import safe_next

from .councils import add_default_features, candidates_of, refresh, slug, sync_neighbourhoods
from .draws import (ALGORITHM_LABELS, PROBLEMS, DrawRefused, Infeasible, cancel, hold_ceremony,
                    pool_is_frozen, prepare, publish, quota_label, record_answer, replace,
                    replacement_for, replacement_refusal, withdraw)
from .eligibility import REASONS
from .forms import (ActionForm, CeremonyForm, CollegeForm, CouncilForm, FeatureForm, ImportForm,
                    PrepareForm, PublishForm)
from .importer import check as check_import
from .importer import decode as decode_upload
from .importer import import_rows
from .models import Candidate, College, Council, Draw, Feature, FeatureValue, Member, Quota
from .workflow import MANAGE

bp = Blueprint("council_draw_staff", __name__, url_prefix="/councils", template_folder="templates")

AGE_BAND = re.compile(r"^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})|\+)\s*$")


def _council(id: int, action: str = "manage") -> Council:
    return get_or_404(Council, id, action)


def _flash_errors(form) -> None:
    """Each refused field of ``form`` as a message, for the forms sent from another page."""
    for field, errors in form.errors.items():
        flash(f"{form[field].label.text}: {' '.join(map(str, errors))}", "error")


def _refuse_if_frozen(council: Council) -> bool:
    if pool_is_frozen(council):
        flash(_("The draw is published: the pool, the colleges and the quotas can no longer change."),
              "error")
        return True
    return False


# --- Councils ----------------------------------------------------------------------------------------


@bp.get("/manage/")
@permission_required(MANAGE)
def manage_index():
    councils = db.session.scalars(db.select(Council).order_by(Council.id.desc())).all()
    return render_template("council_draw/manage/index.html", councils=councils)


def _territory_choices():
    return [(n.id, n.name) for n in db.session.scalars(
        db.select(Neighbourhood).order_by(Neighbourhood.position, Neighbourhood.name))]


def _apply_council_form(council: Council, form: CouncilForm) -> None:
    for name in ("name", "description", "term_start", "term_end", "minimum_age", "call_opens_on",
                 "call_closes_on", "call_text", "is_published"):
        setattr(council, name, getattr(form, name).data)
    council.name = council.name.strip()
    expire_visitor_pages()  # unpublished, renamed: visitors see it at once
    chosen = set(form.neighbourhoods.data or [])
    council.neighbourhoods = [n for n in db.session.scalars(db.select(Neighbourhood))
                              if n.id in chosen]


@bp.route("/manage/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def council_new():
    form = CouncilForm()
    form.neighbourhoods.choices = _territory_choices()
    if form.validate_on_submit():
        council = Council()
        _apply_council_form(council, form)
        add_default_features(council)
        db.session.add(council)
        db.session.flush()
        audit("council_draw.council_created", council,
              summary=_l("Council %(council)s created", council=council.name))
        db.session.commit()
        flash(_("The council is created. Add its colleges and quotas."), "success")
        return redirect(url_for("council_draw_staff.manage_council", id=council.id))
    return render_template("council_draw/manage/council_form.html", form=form, council=None)


@bp.route("/manage/<int:id>/edit", methods=["GET", "POST"])
def council_edit(id: int):
    council = _council(id)
    form = CouncilForm(obj=council)
    form.neighbourhoods.choices = _territory_choices()
    if request.method == "GET":
        form.neighbourhoods.data = [n.id for n in council.neighbourhoods]
    if form.validate_on_submit():
        territory_before = sorted(n.id for n in council.neighbourhoods)
        if pool_is_frozen(council) and (
                sorted(form.neighbourhoods.data or []) != territory_before
                or form.minimum_age.data != council.minimum_age
                or form.term_start.data != council.term_start):
            flash(_("The draw is published: the territory, the minimum age and the start of the "
                    "term can no longer change."), "error")
            return redirect(url_for("council_draw_staff.council_edit", id=council.id))
        _apply_council_form(council, form)
        sync_neighbourhoods(council)
        if not pool_is_frozen(council):
            refresh(council)
        audit("council_draw.council_updated", council,
              summary=_l("Council %(council)s updated", council=council.name))
        db.session.commit()
        flash(_("The council is saved."), "success")
        return redirect(url_for("council_draw_staff.manage_council", id=council.id))
    return render_template("council_draw/manage/council_form.html", form=form, council=council)


@bp.get("/manage/<int:id>")
def manage_council(id: int):
    council = _council(id)
    candidates = candidates_of(council)
    summary = {
        "total": len(candidates),
        "in_pool": sum(1 for c in candidates if c.in_pool),
        "flagged": sum(1 for c in candidates if c.flagged),
    }
    by_college = {college.id: sum(1 for c in candidates if c.in_pool and c.college_id == college.id)
                  for college in council.colleges}
    return render_template(
        "council_draw/manage/council.html", council=council, summary=summary,
        by_college=by_college, college_form=CollegeForm(), feature_form=FeatureForm(),
        action=ActionForm(), frozen=pool_is_frozen(council),
        draws=[d for d in council.draws],
        can_see_candidates=council.allows(current_user, "candidates"),
    )


# --- Colleges, features, quotas ----------------------------------------------------------------------------


@bp.post("/manage/<int:id>/colleges")
def college_add(id: int):
    council = _council(id)
    form = CollegeForm()
    if _refuse_if_frozen(council):
        return redirect(url_for("council_draw_staff.manage_council", id=council.id))
    if form.validate_on_submit():
        college = College(council=council, name=form.name.data.strip(), kind=form.kind.data,
                          seats=form.seats.data, position=len(council.colleges) + 1)
        db.session.add(college)
        db.session.flush()
        audit("council_draw.college_created", college,
              summary=_l("College %(college)s added", college=college.name),
              seats=college.seats)
        db.session.commit()
        flash(_("The college is added. Set its quotas."), "success")
    else:
        _flash_errors(form)
    return redirect(url_for("council_draw_staff.manage_council", id=council.id))


def _college(id: int, college_id: int) -> College:
    council = _council(id)
    college = db.session.get(College, college_id)
    if college is None or college.council_id != council.id:
        abort(404)
    return college


@bp.route("/manage/<int:id>/colleges/<int:college_id>", methods=["GET", "POST"])
def college_edit(id: int, college_id: int):
    college = _college(id, college_id)
    council = college.council
    form = CollegeForm(obj=college)
    if form.validate_on_submit():
        if _refuse_if_frozen(council):
            return redirect(url_for("council_draw_staff.manage_council", id=council.id))
        form.populate_obj(college)
        audit("council_draw.college_updated", college,
              summary=_l("College %(college)s updated", college=college.name),
              seats=college.seats)
        db.session.commit()
        flash(_("The college is saved."), "success")
        return redirect(url_for("council_draw_staff.manage_council", id=council.id))
    return render_template("council_draw/manage/college_form.html", form=form, college=college,
                           council=council, action=ActionForm())


@bp.post("/manage/<int:id>/colleges/<int:college_id>/delete")
def college_delete(id: int, college_id: int):
    college = _college(id, college_id)
    council = college.council
    if not _refuse_if_frozen(council) and ActionForm().validate_on_submit():
        audit("council_draw.college_deleted", college,
              summary=_l("College %(college)s deleted", college=college.name))
        for candidate in candidates_of(council):
            if candidate.college_id == college.id:  # not left to the database (SQLite keeps it)
                candidate.college, candidate.college_id = None, None
        db.session.delete(college)
        db.session.flush()
        refresh(council)
        db.session.commit()
        flash(_("The college is deleted; its candidates have no college any more."), "success")
    return redirect(url_for("council_draw_staff.manage_council", id=council.id))


@bp.route("/manage/<int:id>/colleges/<int:college_id>/quotas", methods=["GET", "POST"])
def quotas(id: int, college_id: int):
    """Minimum and maximum seats of the college for each feature value."""
    college = _college(id, college_id)
    council = college.council
    form = ActionForm()
    existing = {q.value_id: q for q in college.quotas}
    errors: dict[int, str] = {}
    entered: dict[int, tuple[str, str]] = {}
    if request.method == "POST" and form.validate_on_submit():
        if _refuse_if_frozen(council):
            return redirect(url_for("council_draw_staff.manage_council", id=council.id))
        wanted = {}
        for feature in council.features:
            for value in feature.values:
                if f"min-{value.id}" not in request.form and f"max-{value.id}" not in request.form:
                    # Not on the page that was sent (a value added since): its quota stays.
                    if value.id in existing:
                        quota = existing[value.id]
                        wanted[value.id] = (quota.minimum, quota.maximum)
                    continue
                low = request.form.get(f"min-{value.id}", "").strip()
                high = request.form.get(f"max-{value.id}", "").strip()
                entered[value.id] = (low, high)
                problem, pair = _quota_pair(low, high, college.seats)
                if problem:
                    errors[value.id] = problem
                elif pair is not None:
                    wanted[value.id] = pair
        if not errors:
            for value_id, quota in existing.items():
                if value_id not in wanted:
                    db.session.delete(quota)
            for value_id, (low, high) in wanted.items():
                quota = existing.get(value_id) or Quota(college=college, value_id=value_id)
                quota.minimum, quota.maximum = low, high
                db.session.add(quota)
            db.session.flush()
            refresh(council)
            audit("council_draw.quotas_updated", college,
                  summary=_l("Quotas of %(college)s updated", college=college.name),
                  quotas={str(k): list(v) for k, v in wanted.items()})
            db.session.commit()
            flash(_("The quotas are saved."), "success")
            return redirect(url_for("council_draw_staff.manage_council", id=council.id))
        flash(_("Some quotas are not valid: see the messages in the table."), "error")
    return render_template("council_draw/manage/quotas.html", college=college, council=council,
                           form=form, existing=existing, errors=errors, entered=entered)


def _quota_pair(low: str, high: str, seats: int):
    """``(error, (minimum, maximum) or None)`` for the two cells of a value."""
    if not low and not high:
        return None, None
    try:
        minimum = int(low) if low else 0
        maximum = int(high) if high else seats
    except ValueError:
        return _("Enter whole numbers."), None
    if minimum < 0 or maximum < 0:
        return _("Enter numbers of 0 or more."), None
    if minimum > seats:
        return _("The minimum is above the %(seats)s seats of the college.", seats=seats), None
    if minimum > maximum:
        return _("The minimum is above the maximum."), None
    if maximum > seats:
        return _("The maximum is above the %(seats)s seats of the college: leave it empty for "
                 "every seat.", seats=seats), None
    return None, (minimum, maximum)


def _parse_values(feature_kind: str, text: str):
    """``(error, [(key, label, min_age, max_age)])`` from the values textarea."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return _("Give at least one value."), []
    if len(lines) > 50:
        return _("50 values at most."), []
    values, keys = [], set()
    for line in lines:
        if len(line) > 120:
            return _("“%(start)s…”: a value has 120 characters at most.", start=line[:30]), []
        low = high = None
        if feature_kind == "age":
            match = AGE_BAND.match(line)
            if not match:
                return _("“%(line)s” is not an age band: write “16-29” or “60+”.", line=line), []
            low = int(match.group(1))
            high = int(match.group(2)) if match.group(2) else None
            if high is not None and high < low:
                return _("“%(line)s”: the band must end after it starts.", line=line), []
            key = f"{low}-{high}" if high is not None else f"{low}-plus"
            from .councils import age_band_label

            label = age_band_label(low, high)
        else:
            key, label = slug(line), line
        if key in keys:
            return _("The value “%(line)s” is given twice.", line=line), []
        keys.add(key)
        values.append((key, label, low, high))
    return None, values


@bp.post("/manage/<int:id>/features")
def feature_add(id: int):
    council = _council(id)
    form = FeatureForm()
    if _refuse_if_frozen(council):
        return redirect(url_for("council_draw_staff.manage_council", id=council.id))
    if form.validate_on_submit():
        problem, values = _parse_values("custom", form.values.data)
        key = slug(form.name.data, "feature")
        if any(f.key == key for f in council.features):
            problem = _("A feature with this name already exists.")
        if problem:
            flash(problem, "error")
        else:
            feature = Feature(council=council, key=key, name=form.name.data.strip(), kind="custom",
                              position=len(council.features) + 1)
            feature.values = [FeatureValue(key=k, label=label, position=i)
                              for i, (k, label, _low, _high) in enumerate(values, start=1)]
            db.session.add(feature)
            db.session.flush()
            refresh(council)
            audit("council_draw.feature_created", feature,
                  summary=_l("Feature %(feature)s added", feature=feature.name),
                  values=[v[0] for v in values])
            db.session.commit()
            flash(_("The feature is added: the call form now asks for it."), "success")
    else:
        _flash_errors(form)
    return redirect(url_for("council_draw_staff.manage_council", id=council.id))


def _feature(id: int, feature_id: int) -> Feature:
    council = _council(id)
    feature = db.session.get(Feature, feature_id)
    if feature is None or feature.council_id != council.id:
        abort(404)
    return feature


@bp.route("/manage/<int:id>/features/<int:feature_id>", methods=["GET", "POST"])
def feature_edit(id: int, feature_id: int):
    """Rename a feature and change its values (the neighbourhoods follow the territory)."""
    feature = _feature(id, feature_id)
    council = feature.council
    form = FeatureForm()
    if request.method == "GET":
        form.name.data = feature.name
        form.values.data = "\n".join(
            (f"{v.min_age}-{v.max_age}" if v.max_age is not None else f"{v.min_age}+")
            if feature.kind == "age" else v.label for v in feature.values)
    if form.validate_on_submit():
        if _refuse_if_frozen(council):
            return redirect(url_for("council_draw_staff.manage_council", id=council.id))
        feature.name = form.name.data.strip()
        if feature.kind != "neighbourhood":
            problem, values = _parse_values(feature.kind, form.values.data)
            if problem:
                flash(problem, "error")
                return render_template("council_draw/manage/feature_form.html", form=form,
                                       feature=feature, council=council, action=ActionForm())
            dropped = _replace_values(feature, values)
        else:
            dropped = []
        db.session.flush()
        refresh(council)
        audit("council_draw.feature_updated", feature,
              summary=_l("Feature %(feature)s updated", feature=feature.name))
        db.session.commit()
        flash(_("The feature is saved."), "success")
        if dropped:
            flash(_("The quotas of the values no longer offered (%(values)s) are deleted with them: "
                    "check the quotas of the colleges.", values=", ".join(dropped)), "warning")
        return redirect(url_for("council_draw_staff.manage_council", id=council.id))
    return render_template("council_draw/manage/feature_form.html", form=form, feature=feature,
                           council=council, action=ActionForm())


def _replace_values(feature: Feature, values) -> list[str]:
    """Keep the values whose key stays (and their quotas), add the new, drop the others with
    their quotas; returns the labels of the dropped values that had quotas."""
    by_key = {v.key: v for v in feature.values}
    kept = []
    for position, (key, label, low, high) in enumerate(values, start=1):
        value = by_key.pop(key, None) or FeatureValue(key=key)
        value.label, value.position, value.min_age, value.max_age = label, position, low, high
        kept.append(value)
    dropped = [gone.label for gone in by_key.values() if gone.quotas]
    for gone in by_key.values():
        db.session.delete(gone)
    feature.values = kept
    return dropped


@bp.post("/manage/<int:id>/features/<int:feature_id>/delete")
def feature_delete(id: int, feature_id: int):
    feature = _feature(id, feature_id)
    council = feature.council
    if feature.kind != "custom":
        flash(_("Gender, age and neighbourhood stay; leave their quotas empty if you do not use them."),
              "error")
    elif not _refuse_if_frozen(council) and ActionForm().validate_on_submit():
        audit("council_draw.feature_deleted", feature,
              summary=_l("Feature %(feature)s deleted", feature=feature.name))
        db.session.delete(feature)
        db.session.flush()
        refresh(council)
        db.session.commit()
        flash(_("The feature is deleted."), "success")
    return redirect(url_for("council_draw_staff.manage_council", id=council.id))


# --- Candidates (personal data) --------------------------------------------------------------------------


@bp.get("/manage/<int:id>/candidates")
def candidates(id: int):
    council = _council(id, "candidates")
    show = request.args.get("show", "all")
    rows = candidates_of(council)
    if show == "flagged":
        rows = [c for c in rows if c.flagged]
    elif show == "out":
        rows = [c for c in rows if not c.in_pool]
    audit("council_draw.candidates_viewed", council,
          summary=_l("Candidates of %(council)s viewed", council=council.name))
    db.session.commit()
    return render_template("council_draw/manage/candidates.html", council=council, candidates=rows,
                           show=show, reasons=REASONS, action=ActionForm(),
                           frozen=pool_is_frozen(council))


def _candidate(id: int, candidate_id: int) -> Candidate:
    council = _council(id, "candidates")
    candidate = get_or_404(Candidate, candidate_id)
    if candidate.council_id != council.id:
        abort(404)
    return candidate


@bp.get("/manage/<int:id>/candidates/<int:candidate_id>")
def candidate(id: int, candidate_id: int):
    candidate = _candidate(id, candidate_id)
    audit("council_draw.candidate_viewed", candidate,
          summary=_l("Candidate %(candidate)s viewed", candidate=candidate.pseudonym))
    db.session.commit()
    labels = {f.key: (f.name, {v.key: v.label for v in f.values}) for f in candidate.council.features}
    return render_template("council_draw/manage/candidate.html", candidate=candidate,
                           council=candidate.council, reasons=REASONS, labels=labels,
                           action=ActionForm(), frozen=pool_is_frozen(candidate.council))


@bp.post("/manage/<int:id>/candidates/<int:candidate_id>/pool")
def candidate_pool(id: int, candidate_id: int):
    """Put a candidate in the pool or take them out (a staff decision on a flag)."""
    candidate = _candidate(id, candidate_id)
    if not _refuse_if_frozen(candidate.council) and ActionForm().validate_on_submit():
        candidate.in_pool = request.form.get("in_pool") == "1"
        if candidate.in_pool:
            summary = _l("Candidate %(candidate)s in the pool", candidate=candidate.pseudonym)
        else:
            summary = _l("Candidate %(candidate)s out of the pool", candidate=candidate.pseudonym)
        audit("council_draw.candidate_pool_changed", candidate, summary=summary,
              in_pool=candidate.in_pool)
        db.session.commit()
        flash(_("%(pseudonym)s is now in the pool.", pseudonym=candidate.pseudonym)
              if candidate.in_pool else
              _("%(pseudonym)s is now out of the pool.", pseudonym=candidate.pseudonym), "success")
    return redirect(safe_next(request.form.get("next"),
                              url_for("council_draw_staff.candidate", id=id, candidate_id=candidate_id)))


@bp.route("/manage/<int:id>/import", methods=["GET", "POST"])
def import_candidates(id: int):
    """Check a CSV file, report each bad row, import the good rows in one transaction."""
    council = _council(id, "candidates")
    form = ImportForm()
    report = None
    if request.method == "POST" and form.validate_on_submit():
        if _refuse_if_frozen(council):
            return redirect(url_for("council_draw_staff.manage_council", id=council.id))
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            text = decode_upload(upload.read(2_000_001)[:2_000_000])
        else:
            text = form.csv_text.data or ""
        report = check_import(council, text)
        confirmed = request.form.get("confirm") == "1"
        if report.fatal:
            flash(report.fatal, "error")
        elif report.rows and (not report.errors or confirmed):
            try:
                created = import_rows(council, report.rows)
                audit("council_draw.candidates_imported", council,
                      summary=_l("%(count)d candidate(s) imported into %(council)s",
                                 count=len(created), council=council.name),
                      rows=len(created), rejected=len(report.errors))
                db.session.commit()
            except Exception:
                db.session.rollback()
                flash(_("Nothing was imported: the import failed. Check the file and try again."),
                      "error")
                report = None
            else:
                flash(_("%(count)s candidates imported.", count=len(created)), "success")
                return redirect(url_for("council_draw_staff.candidates", id=council.id))
        form.csv_text.data = text
    return render_template("council_draw/manage/import.html", council=council, form=form,
                           report=report)


# --- The draw ----------------------------------------------------------------------------------------------


@bp.route("/manage/<int:id>/prepare", methods=["GET", "POST"])
def draw_prepare(id: int):
    """Choose the algorithm and compute everyone's probability (or see why it cannot be done)."""
    council = _council(id)
    form = PrepareForm()
    infeasible: list[Infeasible] = []
    if form.validate_on_submit():
        try:
            outcome = prepare(council, form.algorithm.data, current_user)
        except DrawRefused as refused:
            flash(str(refused.message), "error")
            return redirect(url_for("council_draw_staff.manage_council", id=council.id))
        if isinstance(outcome, Draw):
            db.session.commit()
            if outcome.status == "computing":
                flash(_("The pool is large: the background worker computes the chances. You will "
                        "be notified when they are ready."), "success")
            else:
                flash(_("The probabilities are computed. Check them, then publish the draw."),
                      "success")
            return redirect(url_for("council_draw_staff.manage_draw", id=council.id, draw_id=outcome.id))
        infeasible = outcome
        db.session.rollback()
    return render_template("council_draw/manage/prepare.html", council=council, form=form,
                           infeasible=infeasible, quota_label=quota_label)


def _draw(id: int, draw_id: int) -> Draw:
    council = _council(id)
    draw = get_or_404(Draw, draw_id, "manage")
    if draw.council_id != council.id:
        abort(404)
    return draw


@bp.get("/manage/<int:id>/draws/<int:draw_id>")
def manage_draw(id: int, draw_id: int):
    draw = _draw(id, draw_id)
    council = draw.council
    labels = {f.key: {"name": f.name, "values": {v.key: v.label for v in f.values}}
              for f in council.features}
    show_names = council.allows(current_user, "candidates")
    names = {}
    if show_names:
        names = {c.pseudonym: c.full_name for c in candidates_of(council)}
    return render_template(
        "council_draw/manage/draw.html", council=council, draw=draw, record=draw.record,
        labels=labels, names=names, publish_form=PublishForm(), ceremony_form=CeremonyForm(),
        action=ActionForm(), algorithm_label=ALGORITHM_LABELS.get(draw.algorithm, draw.algorithm),
        replaced={m.replaces_id for m in draw.members if m.replaces_id},
        problem=PROBLEMS.get(draw.problem),
    )


@bp.post("/manage/<int:id>/draws/<int:draw_id>/publish")
def draw_publish(id: int, draw_id: int):
    draw = _draw(id, draw_id)
    form = PublishForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("council_draw_staff.manage_draw", id=id, draw_id=draw_id))
    try:
        publish(draw, form.place.data.strip(), form.planned_at_utc())
    except DrawRefused as refused:
        flash(str(refused.message), "error")
        return redirect(url_for("council_draw_staff.manage_draw", id=id, draw_id=draw_id))
    db.session.commit()
    flash(_("The draw is published: its pool, quotas and probabilities are public."), "success")
    return redirect(url_for("council_draw_staff.manage_draw", id=id, draw_id=draw_id))


@bp.post("/manage/<int:id>/draws/<int:draw_id>/cancel")
def draw_cancel(id: int, draw_id: int):
    draw = _draw(id, draw_id)
    if ActionForm().validate_on_submit():
        try:
            cancel(draw)
        except DrawRefused as refused:
            flash(str(refused.message), "error")
        else:
            db.session.commit()
            flash(_("The draw is cancelled."), "success")
    return redirect(url_for("council_draw_staff.manage_council", id=id))


@bp.post("/manage/<int:id>/draws/<int:draw_id>/ceremony")
def draw_ceremony(id: int, draw_id: int):
    draw = _draw(id, draw_id)
    form = CeremonyForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("council_draw_staff.manage_draw", id=id, draw_id=draw_id))
    try:
        hold_ceremony(draw, form.seed.data, form.witness_names())
    except DrawRefused as refused:
        flash(str(refused.message), "error")
        return redirect(url_for("council_draw_staff.manage_draw", id=id, draw_id=draw_id))
    db.session.commit()
    flash(_("The members are drawn and invited by e-mail."), "success")
    return redirect(url_for("council_draw_staff.manage_draw", id=id, draw_id=draw_id))


def _member(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    authorize(member.draw, "manage")
    return member


@bp.post("/manage/members/<int:member_id>/withdraw")
def member_withdraw(member_id: int):
    member = _member(member_id)
    if ActionForm().validate_on_submit():
        try:
            withdraw(member)
        except DrawRefused as refused:
            flash(str(refused.message), "error")
        else:
            db.session.commit()
            flash(_("%(pseudonym)s no longer holds a seat: call in the reserve list.",
                    pseudonym=member.pseudonym), "success")
    return redirect(url_for("council_draw_staff.manage_draw", id=member.draw.council_id, draw_id=member.draw_id))


@bp.post("/manage/members/<int:member_id>/answer")
def member_answer(member_id: int):
    member = _member(member_id)
    if ActionForm().validate_on_submit():
        try:
            record_answer(member, request.form.get("answer") == "accept")
        except DrawRefused as refused:
            flash(str(refused.message), "error")
        else:
            db.session.commit()
            flash(_("The answer is recorded."), "success")
    return redirect(url_for("council_draw_staff.manage_draw", id=member.draw.council_id, draw_id=member.draw_id))


@bp.route("/manage/members/<int:member_id>/replace", methods=["GET", "POST"])
def member_replace(member_id: int):
    """Who from the reserve list would take the seat, and whether the quotas still hold."""
    member = _member(member_id)
    form = ActionForm()
    refusal = replacement_refusal(member)
    if refusal is not None:
        return render_template("council_draw/manage/replace.html", member=member, refusal=refusal,
                               proposal=None, form=form, council=member.draw.council), 409
    proposal = replacement_for(member)
    if request.method == "POST" and form.validate_on_submit():
        try:
            newcomer = replace(member, force=request.form.get("force") == "1")
        except DrawRefused as refused:
            flash(str(refused.message), "error")
        else:
            db.session.commit()
            flash(_("%(newcomer)s (reserve rank %(rank)s) takes the seat of %(pseudonym)s and is invited.",
                    newcomer=newcomer.pseudonym, rank=newcomer.rank, pseudonym=member.pseudonym),
                  "success")
            return redirect(url_for("council_draw_staff.manage_draw", id=member.draw.council_id,
                                    draw_id=member.draw_id))
    return render_template("council_draw/manage/replace.html", member=member, proposal=proposal,
                           form=form, council=member.draw.council)
