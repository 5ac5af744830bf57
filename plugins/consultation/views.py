"""The residents' pages: the list of consultations (open, upcoming, past), a consultation's page
(context, documents, proposals, arguments), the questionnaire, a proposal's page, the results and
the decision, and the printable report.

Supporting and commenting proposals, posting arguments, following a consultation and reporting
go through the core's services (their forms post to the core's routes); the city's pages are in
``staff.py``, on a blueprint of their own. The pages never write: a consultation whose day has
come shows the state the calendar implies (``rules.calendar_state``) until the scheduled job
records the move.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.services.attachments import attachments_of, cover_images
from core.services.comments import Comment
from core.database import db
from core.declarations import HomeBlock
from core.services.follows import follow
from core.pagecache import kept_for_readers, visitor_cache
from core.permissions import get_or_404, login_required
from core.services.supports import preload_supports
from core.web import whole_number

from .forms import KIND_LABELS, OUTCOME_LABELS, ProposalForm
from .models import Consultation, Proposal, Question
from .results import (
    participant_count, proposals_by_support, published_texts, question_results,
    ranked_proposals, response_count,
)
from .rules import (
    calendar_state, eligibility_label, long_day, participation_refusal, publication_blockers,
    raw_from_response, read_submission, response_of, save_response, today,
)
from .workflow import MANAGE, PAST_STATES, RESULT_STATES, WORKFLOW

# Proposals on one page of a consultation's page, most supported first.
PROPOSALS_PER_PAGE = 20

# The prefix stays the same in every language.
bp = Blueprint("consultation", __name__, url_prefix="/consultations", template_folder="templates",
               static_folder="static", static_url_path="/static")


def _public():
    return (Consultation.state.in_(("upcoming", "open") + PAST_STATES), Consultation.is_hidden.is_(False))


def _load(id: int, action: str = "view") -> Consultation:
    return get_or_404(Consultation, id, action)


@bp.get("/")
@visitor_cache
def index():
    """Open, upcoming and past consultations (as the calendar has them today)."""
    rows = db.session.scalars(
        select(Consultation).where(*_public()).order_by(Consultation.closes_on.desc(), Consultation.id.desc())
    ).all()
    states = {c.id: calendar_state(c) for c in rows}
    groups = {
        "open": [c for c in rows if states[c.id] == "open"],
        "upcoming": sorted((c for c in rows if states[c.id] == "upcoming"), key=lambda c: c.opens_on),
        "past": [c for c in rows if states[c.id] in PAST_STATES],
    }
    return render_template("consultation/index.html", groups=groups, workflow=WORKFLOW,
                           covers=cover_images(rows))


@bp.get("/<int:id>")
@visitor_cache
def detail(id: int):
    """The consultation: context, documents, dates, who may take part, the questionnaire's
    entry, proposals, arguments; once published, the results and the decision."""
    return _render_detail(_load(id), ProposalForm(formdata=None))


def _render_detail(consultation: Consultation, proposal_form: ProposalForm, status: int = 200):
    proposals = None
    if consultation.has_proposals:
        proposals = db.paginate(proposals_by_support(consultation),
                                page=whole_number(request.args.get("page", "")) or 1,
                                per_page=PROPOSALS_PER_PAGE, error_out=False)
        preload_supports(current_user, proposals.items)
    stances = {}
    if consultation.has_arguments:
        stances = dict(db.session.execute(
            select(Comment.stance, db.func.count()).where(
                Comment.content_type == consultation.content_type_name, Comment.content_id == consultation.id,
                Comment.is_hidden.is_(False), Comment.stance.is_not(None)).group_by(Comment.stance)
        ).all())
    return render_template(
        "consultation/detail.html",
        consultation=consultation,
        files=attachments_of(consultation),
        proposals=proposals,
        stances=stances,
        refusal=participation_refusal(consultation, current_user),
        response=response_of(consultation, current_user),
        eligibility=eligibility_label(consultation),
        proposal_form=proposal_form,
        outcome_labels=OUTCOME_LABELS,
        preview=consultation.state == "draft",
        blockers=publication_blockers(consultation) if consultation.state == "draft" else [],
        can_manage=consultation.allows(current_user, "manage"),
    ), status


# --- The questionnaire ------------------------------------------------------------------------


@bp.route("/<int:id>/take-part", methods=["GET", "POST"])
@login_required
def take_part(id: int):
    """Answer the questionnaire, or change one's answers until the consultation closes."""
    consultation = _load(id)
    if not consultation.has_questionnaire or not consultation.questions:
        abort(404)
    response = response_of(consultation, current_user)
    refusal = participation_refusal(consultation, current_user)
    if request.method == "GET":
        return _questionnaire(consultation, raw_from_response(response), {}, response, refusal)
    if refusal is not None:
        # Nothing is saved, but what was typed is shown again with the reason.
        submission = read_submission(consultation, request.form)
        return _questionnaire(consultation, submission.raw, {}, response, refusal, status=403)
    submission = read_submission(consultation, request.form)
    if submission.errors:
        return _questionnaire(consultation, submission.raw, submission.errors, response, None, status=422)
    # Written before the commit, which would make the consultation be read again for them.
    target = url_for("consultation.detail", id=consultation.id)
    closes_on = long_day(consultation.closes_on)
    try:
        _response, created = save_response(consultation, current_user, submission)
        db.session.commit()
    except IntegrityError:
        # The same person's first answers arrived twice at once (a double click): the other
        # request created their response; these answers replace its answers.
        db.session.rollback()
        submission = read_submission(consultation, request.form)
        _response, created = save_response(consultation, current_user, submission)
        db.session.commit()
    if created:
        flash(_("Thank you for taking part! You can change your answers until %(day)s.",
                day=closes_on), "success")
    else:
        flash(_("Your answers have been updated."), "success")
    return redirect(target)


def _questionnaire(consultation, raw, errors, response, refusal, status=200):
    return render_template(
        "consultation/questionnaire.html", consultation=consultation, raw=raw, errors=errors,
        response=response, refusal=refusal, kind_labels=KIND_LABELS,
    ), status


# --- Proposals --------------------------------------------------------------------------------


@bp.post("/<int:id>/proposals")
@login_required
def propose(id: int):
    """Put forward a proposal while the consultation is open."""
    consultation = _load(id)
    if not consultation.has_proposals:
        abort(404)
    form = ProposalForm()
    refusal = participation_refusal(consultation, current_user)
    if refusal is not None:
        flash(str(refusal), "error")
        return _render_detail(consultation, form, 403)
    if not form.validate_on_submit():
        return _render_detail(consultation, form, 422)
    proposal = Proposal(consultation_id=consultation.id, title=form.title.data.strip(),
                        body=form.body.data.strip(), author_id=current_user.id, state="published")
    db.session.add(proposal)
    db.session.flush()
    follow(current_user, consultation)
    db.session.commit()
    flash(_("Thank you! Your proposal is published: others can now support it."), "success")
    return redirect(url_for("consultation.proposal", id=proposal.id))


@bp.get("/proposals/<int:id>")
@visitor_cache
def proposal(id: int):
    """A proposal: its text, supports, the city's answer once decided, and its comments."""
    item = get_or_404(Proposal, id)
    return render_template("consultation/proposal.html", proposal=item, consultation=item.consultation,
                           outcome_labels=OUTCOME_LABELS)


# --- Results, decision, report ------------------------------------------------------------------

# Free-text answers per page on a question's own page.
TEXTS_PER_PAGE = 50


def _results_visible(consultation) -> bool:
    """Published results for everyone; the staff preview them as soon as it closed."""
    if consultation.state in RESULT_STATES:
        return True
    return calendar_state(consultation) == "closed" and current_user.can(MANAGE)


@bp.get("/<int:id>/results")
@kept_for_readers
def results(id: int):
    """The results: each question as a chart and a table, approved free texts, the proposals
    most supported first."""
    consultation = _load(id)
    if not _results_visible(consultation):
        abort(404)
    results = question_results(consultation)
    return render_template(
        "consultation/results.html", consultation=consultation,
        results=results, proposals=ranked_proposals(consultation),
        responses=response_count(consultation), participants=participant_count(consultation),
        kind_labels=KIND_LABELS, outcome_labels=OUTCOME_LABELS,
        preview=consultation.state not in RESULT_STATES,
    )


@bp.get("/<int:id>/results/<int:question_id>/answers")
@visitor_cache
def question_texts(id: int, question_id: int):
    """Every published free-text answer to one question, a page at a time."""
    consultation = _load(id)
    question = db.session.get(Question, question_id)
    if not _results_visible(consultation) or question is None \
            or question.consultation_id != consultation.id or not question.is_text:
        abort(404)
    page = db.paginate(published_texts(question.id), page=whole_number(request.args.get("page"), 0) or 1,
                       per_page=TEXTS_PER_PAGE, error_out=False)
    return render_template("consultation/texts.html", consultation=consultation, question=question,
                           page=page, preview=consultation.state not in RESULT_STATES)


@bp.get("/<int:id>/decision")
@visitor_cache
def decision(id: int):
    """What we heard, what we decided and why, and what became of each proposal."""
    consultation = _load(id)
    if consultation.state != "decision_published" and not (
            calendar_state(consultation) in PAST_STATES and current_user.can(MANAGE)):
        abort(404)
    return render_template(
        "consultation/decision.html", consultation=consultation, proposals=ranked_proposals(consultation),
        outcome_labels=OUTCOME_LABELS, preview=consultation.state != "decision_published",
    )


@bp.get("/<int:id>/report")
def report(id: int):
    """The whole consultation on one printable page: context, results, synthesis, decision."""
    consultation = _load(id)
    if not _results_visible(consultation):
        abort(404)
    results = question_results(consultation, texts_shown=None)
    return render_template(
        "consultation/report.html", consultation=consultation,
        results=results,
        proposals=ranked_proposals(consultation), responses=response_count(consultation),
        participants=participant_count(consultation), eligibility=eligibility_label(consultation),
        files=attachments_of(consultation), kind_labels=KIND_LABELS, outcome_labels=OUTCOME_LABELS,
        decision_public=consultation.state == "decision_published" or current_user.can(MANAGE),
    )


# --- The home page's block -----------------------------------------------------------------------


def home_block() -> HomeBlock:
    """The consultations open now (as the calendar has them today)."""
    day = today()
    rows = db.session.scalars(
        select(Consultation).where(Consultation.state.in_(("upcoming", "open")), Consultation.is_hidden.is_(False),
                                   Consultation.opens_on <= day, Consultation.closes_on >= day)
        .order_by(Consultation.closes_on, Consultation.id).limit(3)
    ).all()
    html = render_template("consultation/_home_block.html", consultations=rows, covers=cover_images(rows))
    return HomeBlock(Markup(html), order=25)
