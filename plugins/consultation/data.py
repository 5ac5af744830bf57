"""The consultation's data for others: a person's export and erasure, open data, statistics (the
hooks below, which the core registers from this room).

Open data never holds personal data: only the consultations themselves and the aggregated
results that their results pages publish (totals per question and answer, never a response).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.database import db
from core.declarations import Dataset, PersonalData, Statistic
from core.hookspecs import hookimpl
from core.services.stats import count_by_month

from .models import AnswerValue, Consultation, Proposal, Question, Response
from .workflow import PAST_STATES, RESULT_STATES, WORKFLOW

# --- Personal data ---------------------------------------------------------------------------


@hookimpl
def export_user_data(user):
    responses = db.session.scalars(select(Response).where(Response.user_id == user.id).order_by(Response.id)).all()
    proposals = db.session.scalars(select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id)).all()
    if not (responses or proposals):
        return None
    questions = {
        q.id: q for q in db.session.scalars(
            select(Question).where(Question.consultation_id.in_([r.consultation_id for r in responses]))
        )
    } if responses else {}

    def describe(value: AnswerValue):
        question = questions.get(value.question_id)
        option = next((o.label for o in question.options if o.id == value.option_id), None) if question else None
        return {"question": question.label if question else value.question_id, "option": option,
                "rank": value.rank, "value": value.number, "text": value.text}

    return {
        "responses": [
            {"consultation": r.consultation_id, "consultation_title": r.consultation.title,
             "answered_at": r.created_at.isoformat(), "changed_at": r.updated_at.isoformat(),
             "answers": [describe(v) for v in r.values]}
            for r in responses
        ],
        "proposals": [
            {"id": p.id, "consultation": p.consultation_id, "title": p.title, "description": p.body,
             "created_at": p.created_at.isoformat()}
            for p in proposals
        ],
    }


@hookimpl
def erase_user_data(user):
    """The answers still count, no longer linked to the person; free texts they wrote are
    removed (they could tell who wrote them). Proposals stay, shown as from a deleted participant."""
    response_ids = select(Response.id).where(Response.user_id == user.id).scalar_subquery()
    db.session.execute(
        db.delete(AnswerValue).where(AnswerValue.response_id.in_(response_ids), AnswerValue.text.is_not(None))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(db.update(Response).where(Response.user_id == user.id).values(user_id=None)
                       .execution_options(synchronize_session=False))


# --- Open data -------------------------------------------------------------------------------------


def _consultation_rows():
    from .rules import calendar_state
    from .results import participant_count

    query = select(Consultation).where(Consultation.state.in_(("upcoming", "open") + PAST_STATES),
                                       Consultation.is_hidden.is_(False)).order_by(Consultation.id)
    for consultation in db.session.scalars(query):
        state = calendar_state(consultation)
        yield {
            "id": consultation.id,
            "title": consultation.title,
            "status": state,
            "status_label": str(WORKFLOW.state(state).label),
            "opens_on": consultation.opens_on,
            "closes_on": consultation.closes_on,
            "neighbourhoods": ", ".join(n.name for n in consultation.neighbourhoods),
            "participants": participant_count(consultation) if consultation.state in RESULT_STATES else None,
            "proposals": db.session.scalar(select(func.count()).select_from(Proposal).where(
                Proposal.consultation_id == consultation.id, Proposal.is_hidden.is_(False))),
        }


def _result_rows():
    from .results import question_results

    query = select(Consultation).where(Consultation.state.in_(RESULT_STATES),
                                       Consultation.is_hidden.is_(False)).order_by(Consultation.id)
    for consultation in db.session.scalars(query):
        for result in question_results(consultation, texts_shown=0):
            question = result.question
            if question.is_text or result.withheld_below:
                continue
            for row in result.rows:
                yield {
                    "consultation_id": consultation.id,
                    "consultation_title": consultation.title,
                    "question_position": question.position,
                    "question": question.label,
                    "question_kind": question.kind,
                    "answer": row.label,
                    "count": row.count,
                    "percent": row.percent,
                    "average_rank": row.average_rank,
                    "respondents": result.respondents,
                    "mean": result.mean,
                }


def _proposal_rows():
    query = (select(Proposal).join(Consultation)
             .where(Consultation.state.in_(RESULT_STATES), Consultation.is_hidden.is_(False),
                    Proposal.is_hidden.is_(False))
             .order_by(Proposal.consultation_id, Proposal.support_count.desc(), Proposal.id))
    for proposal in db.session.scalars(query):
        decided = proposal.consultation.state == "decision_published"
        yield {
            "consultation_id": proposal.consultation_id,
            "proposal_id": proposal.id,
            "title": proposal.title,
            "supports": proposal.support_count,
            "outcome": proposal.outcome if decided else None,
            "outcome_reason": proposal.outcome_reason if decided else None,
        }


@hookimpl
def open_data_datasets() -> list[Dataset]:
    return [
        Dataset(
            name="consultations",
            title=_l("Consultations"),
            description=_l("Every published consultation with its status, dates, neighbourhoods concerned, "
                           "number of participants (once its results are published) and proposals. "
                           "No personal data."),
            columns=("id", "title", "status", "status_label", "opens_on", "closes_on", "neighbourhoods",
                     "participants", "proposals"),
            rows=_consultation_rows,
        ),
        Dataset(
            name="consultation-results",
            title=_l("Results of the consultations"),
            description=_l("The aggregated answers to each question of the consultations whose results are "
                           "published: counts and shares per answer, average ranks, scale means. "
                           "Free-text answers are not included."),
            columns=("consultation_id", "consultation_title", "question_position", "question", "question_kind",
                     "answer", "count", "percent", "average_rank", "respondents", "mean"),
            rows=_result_rows,
        ),
        Dataset(
            name="consultation-proposals",
            title=_l("Proposals of the consultations"),
            description=_l("The proposals of the consultations whose results are published, with their "
                           "supports and, once the decision is published, what the city did with them."),
            columns=("consultation_id", "proposal_id", "title", "supports", "outcome", "outcome_reason"),
            rows=_proposal_rows,
        ),
    ]


# --- Statistics ------------------------------------------------------------------------------------


@hookimpl
def public_statistics() -> list[Statistic]:
    public = (Consultation.state.in_(("open",) + PAST_STATES), Consultation.is_hidden.is_(False))
    held = db.session.scalar(select(func.count()).select_from(Consultation).where(*public)) or 0
    participants = db.session.scalar(
        select(func.count(func.distinct(Response.user_id))).join(Consultation).where(*public)
    ) or 0
    anonymous = db.session.scalar(
        select(func.count()).select_from(Response).join(Consultation).where(*public, Response.user_id.is_(None))
    ) or 0
    answers = db.session.scalar(select(func.count()).select_from(Response).join(Consultation).where(*public)) or 0
    taken = db.session.scalar(
        select(func.count()).select_from(Proposal).join(Consultation).where(
            Consultation.state == "decision_published", Consultation.is_hidden.is_(False),
            Proposal.outcome.in_(("taken", "partly_taken")))
    ) or 0
    return [
        Statistic("consultations_held", _l("Consultations held"), held),
        Statistic("consultation_participants", _l("Participants in the consultations"), participants + anonymous),
        Statistic("consultation_answers", _l("Answers to the consultations' questionnaires"), answers,
                  series=count_by_month(Response.created_at)),
        Statistic("consultation_proposals_taken", _l("Proposals taken into account, fully or partly"), taken),
    ]


@hookimpl
def personal_data():
    return [PersonalData(
        _l("Your answers to consultations, and the proposals you made"),
        _l("Counting the answers (figures are published only for groups large enough that nobody "
           "can be recognised)"),
        _l("When you delete your account, your answers still count without being linked to you and "
           "the texts you wrote are deleted"), order=30)]
