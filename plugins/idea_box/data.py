"""The idea box's data for others: a person's export and erasure, open data, statistics (the
hooks below, which the core registers from this room).

Open data never holds personal data: no author, no supporter, no comment; only what the idea
pages show to everyone about the ideas themselves and what the city did with them.
"""

from __future__ import annotations

from statistics import median

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.database import db
from core.declarations import Dataset, PersonalData, Statistic
from core.hookspecs import hookimpl
from core.services.stats import count_by_month
from core.taxonomy import Neighbourhood
from core.workflows import WorkflowRecord

from .models import Department, Idea, ImplementationStep, Study
from .workflow import ACCEPTED, DECIDED, PUBLIC_STATES, WORKFLOW

TYPE = Idea.content_type_name


def _public():
    return Idea.state.in_(PUBLIC_STATES), Idea.is_hidden.is_(False)


def answered_at():
    """A subquery: when each idea was first decided on (accepted, rejected or merged)."""
    return (
        select(WorkflowRecord.content_id.label("idea_id"),
               func.min(WorkflowRecord.created_at).label("answered_at"))
        .where(WorkflowRecord.content_type == TYPE, WorkflowRecord.to_state.in_(DECIDED))
        .group_by(WorkflowRecord.content_id)
        .subquery()
    )


# --- Personal data ---------------------------------------------------------------------------


@hookimpl
def export_user_data(user):
    ideas = db.session.scalars(select(Idea).where(Idea.author_id == user.id).order_by(Idea.id)).all()
    studies = db.session.scalars(select(Study).where(Study.studied_by_id == user.id).order_by(Study.id)).all()
    steps = db.session.scalars(
        select(ImplementationStep).where(ImplementationStep.created_by_id == user.id).order_by(ImplementationStep.id)
    ).all()
    if not (ideas or studies or steps):
        return None
    return {
        "ideas": [
            {
                "id": idea.id,
                "title": idea.title,
                "description": idea.body,
                "state": idea.state,
                "neighbourhood": idea.neighbourhood.name if idea.neighbourhood else None,
                "theme": idea.category.name if idea.category else None,
                "place": idea.place_address,
                "latitude": idea.latitude,
                "longitude": idea.longitude,
                "estimated_cost_eur": idea.estimated_cost,
                "created_at": idea.created_at.isoformat(),
                "published_at": idea.published_at.isoformat() if idea.published_at else None,
            }
            for idea in ideas
        ],
        "feasibility_studies_written": [
            {"idea": study.idea_id, "updated_at": study.updated_at.isoformat()} for study in studies
        ],
        "implementation_steps_written": [
            {"idea": step.idea_id, "step": step.title, "date": step.happened_on.isoformat()} for step in steps
        ],
    }


@hookimpl
def erase_user_data(user):
    """Ideas never published (drafts, awaiting moderation) go; published ones stay, shown as
    from a deleted participant. The staff's names leave their studies and steps."""
    from .rules import delete_idea

    unpublished = db.session.scalars(
        select(Idea).where(Idea.author_id == user.id, Idea.state.in_(("draft", "pending")))
    ).all()
    for idea in unpublished:
        delete_idea(idea)
    db.session.execute(db.update(Study).where(Study.studied_by_id == user.id).values(studied_by_id=None)
                       .execution_options(synchronize_session=False))
    db.session.execute(
        db.update(ImplementationStep).where(ImplementationStep.created_by_id == user.id)
        .values(created_by_id=None).execution_options(synchronize_session=False)
    )


# --- Open data -------------------------------------------------------------------------------------


def _idea_rows():
    answered = answered_at()
    query = (
        select(Idea, answered.c.answered_at, Department.name)
        .outerjoin(answered, answered.c.idea_id == Idea.id)
        .outerjoin(Department, Department.id == Idea.department_id)
        .where(*_public())
        .order_by(Idea.id)
    )
    for idea, answered_on, department in db.session.execute(query).unique():
        yield {
            "id": idea.id,
            "title": idea.title,
            "status": idea.state,
            "status_label": str(WORKFLOW.state(idea.state).label),
            "neighbourhood": idea.neighbourhood.name if idea.neighbourhood else None,
            "theme": idea.category.name if idea.category else None,
            "supports": idea.support_count,
            "comments": idea.comment_count,
            "published_at": idea.published_at,
            "answered_at": answered_on,
            "department": department,
            "progress_percent": idea.progress,
            "budget_spent_eur": idea.budget_spent,
            "merged_into": idea.merged_into_id,
        }


def _status_rows():
    query = (
        select(WorkflowRecord)
        .join(Idea, Idea.id == WorkflowRecord.content_id)
        .where(WorkflowRecord.content_type == TYPE, *_public())
        .order_by(WorkflowRecord.content_id, WorkflowRecord.created_at, WorkflowRecord.id)
    )
    for record in db.session.scalars(query).unique():
        yield {
            "idea_id": record.content_id,
            "from_status": record.from_state,
            "to_status": record.to_state,
            "changed_at": record.created_at,
        }


def _step_rows():
    query = (
        select(ImplementationStep, Idea.title)
        .join(Idea, Idea.id == ImplementationStep.idea_id)
        .where(*_public())
        .order_by(ImplementationStep.idea_id, ImplementationStep.happened_on, ImplementationStep.id)
    )
    for step, title in db.session.execute(query):
        yield {
            "idea_id": step.idea_id,
            "idea_title": title,
            "date": step.happened_on,
            "step": step.title,
            "progress_percent": step.progress,
            "budget_spent_eur": step.budget_spent,
        }


@hookimpl
def open_data_datasets() -> list[Dataset]:
    return [
        Dataset(
            name="ideas",
            title=_l("Ideas of the idea box"),
            description=_l("Every published idea with its status, neighbourhood, theme, supports, "
                           "the date of the city's answer and the follow-up of its implementation. "
                           "No personal data."),
            columns=("id", "title", "status", "status_label", "neighbourhood", "theme", "supports",
                     "comments", "published_at", "answered_at", "department", "progress_percent",
                     "budget_spent_eur", "merged_into"),
            rows=_idea_rows,
        ),
        Dataset(
            name="idea-status-changes",
            title=_l("Status changes of the ideas"),
            description=_l("Each change of status of a published idea, with its date: submitted, "
                           "selected for study, studied, accepted, not retained, merged, carried out."),
            columns=("idea_id", "from_status", "to_status", "changed_at"),
            rows=_status_rows,
        ),
        Dataset(
            name="idea-implementation-steps",
            title=_l("Implementation of the accepted ideas"),
            description=_l("The dated steps of the accepted ideas, with their progress and the budget spent."),
            columns=("idea_id", "idea_title", "date", "step", "progress_percent", "budget_spent_eur"),
            rows=_step_rows,
        ),
    ]


# --- Statistics ------------------------------------------------------------------------------------


def _count(*where) -> int:
    return db.session.scalar(select(func.count()).select_from(Idea).where(*_public(), *where)) or 0


def _median_days_to_answer() -> int:
    answered = answered_at()
    rows = db.session.execute(
        select(Idea.published_at, answered.c.answered_at)
        .join(answered, answered.c.idea_id == Idea.id)
        .where(*_public(), Idea.published_at.is_not(None))
    ).all()
    days = [max((done - published).total_seconds(), 0) / 86400 for published, done in rows]
    return round(median(days)) if days else 0


def _per_neighbourhood(*where) -> tuple[tuple[str, int], ...]:
    rows = db.session.execute(
        select(Neighbourhood.name, func.count(Idea.id))
        .join(Idea, Idea.neighbourhood_id == Neighbourhood.id)
        .where(*_public(), *where)
        .group_by(Neighbourhood.id, Neighbourhood.name, Neighbourhood.position)
        .order_by(Neighbourhood.position, Neighbourhood.name)
    ).all()
    return tuple((name, int(total)) for name, total in rows)


@hookimpl
def public_statistics() -> list[Statistic]:
    public = _public()
    studied = db.session.scalar(
        select(func.count()).select_from(Study).join(Idea, Idea.id == Study.idea_id).where(*public)
    ) or 0
    submitted = _count()
    return [
        Statistic("ideas_submitted", _l("Ideas submitted"), submitted,
                  series=count_by_month(Idea.published_at, *public)),
        Statistic("ideas_supported", _l("Ideas supported at least once"), _count(Idea.support_count > 0)),
        Statistic("ideas_studied", _l("Ideas whose feasibility the city studied"), studied),
        Statistic("ideas_accepted", _l("Ideas accepted"), _count(Idea.state.in_(ACCEPTED))),
        Statistic("ideas_implemented", _l("Ideas carried out"), _count(Idea.state == "implemented")),
        Statistic("ideas_days_to_answer", _l("Median time from an idea to the city's answer"),
                  _median_days_to_answer(), unit=str(_l("days"))),
        Statistic("ideas_by_neighbourhood", _l("Ideas per neighbourhood"), submitted,
                  series=_per_neighbourhood(), series_label=_l("Neighbourhood")),
        Statistic("ideas_accepted_by_neighbourhood", _l("Accepted ideas per neighbourhood"),
                  _count(Idea.state.in_(ACCEPTED)), series=_per_neighbourhood(Idea.state.in_(ACCEPTED)),
                  series_label=_l("Neighbourhood")),
    ]


@hookimpl
def personal_data():
    return [PersonalData(
        _l("Your ideas and your supports (which ideas you supported)"),
        _l("Publishing your ideas with your name, counting supports, telling you what becomes of them"),
        _l("Published ideas stay, shown without your name once you delete your account; drafts and "
           "ideas awaiting moderation are deleted with it"), order=20)]
