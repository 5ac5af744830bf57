"""The plugin's data for others: a person's export and erasure, open data, statistics (the
hooks below, which the core registers from this room).

Open data holds no personal data: the accounts (as an SCDL budget file, valid against the
national schema), the indicators per year, and the published questions without their authors.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.services.answers import Answer
from core.services.bodies import meetings_held
from core.database import db
from core.declarations import Dataset, PersonalData, Statistic
from core.hookspecs import hookimpl
from core.settings import get_setting

from .indicators import INDICATORS
from .ledger import table, years
from .models import Question
from .workflow import NAME, PRIVATE_STATES, PUBLIC_STATES

SCDL_COLUMNS = (
    "BGT_NATDEC", "BGT_ANNEE", "BGT_SIRET", "BGT_NOM", "BGT_CONTNAT", "BGT_CONTNAT_LABEL", "BGT_NATURE",
    "BGT_NATURE_LABEL", "BGT_FONCTION", "BGT_FONCTION_LABEL", "BGT_OPERATION", "BGT_SECTION", "BGT_OPBUDG",
    "BGT_CODRD", "BGT_MTREAL", "BGT_MTBUDGPREC", "BGT_MTRARPREC", "BGT_MTPROPNOUV", "BGT_MTPREV",
    "BGT_CREDOUV", "BGT_MTRAR3112", "BGT_ARTSPE",
)
PUBLIC = (Question.state.in_(PUBLIC_STATES), Question.is_hidden.is_(False))


@hookimpl
def export_user_data(user):
    questions = db.session.scalars(select(Question).where(Question.author_id == user.id).order_by(Question.id)).all()
    if not questions:
        return None
    return {"finance_questions": [
        {"id": q.id, "question": q.title, "details": q.body, "state": q.state,
         "created_at": q.created_at.isoformat()} for q in questions
    ]}


@hookimpl
def erase_user_data(user):
    """Questions never published go; published ones stay, shown as from a deleted participant."""
    for question in db.session.scalars(
            select(Question).where(Question.author_id == user.id, Question.state.in_(PRIVATE_STATES))):
        db.session.delete(question)


def _account_rows():
    siret = get_setting(NAME, "siret") or ""
    for finance_year in years():
        actual = finance_year.stage == "compte administratif"
        for line in finance_year.lines:
            amount = float(line.amount)
            yield {
                "BGT_NATDEC": finance_year.stage, "BGT_ANNEE": finance_year.year,
                "BGT_SIRET": finance_year.siret or siret, "BGT_NOM": finance_year.entity_name or "",
                "BGT_CONTNAT": line.chapter, "BGT_CONTNAT_LABEL": "", "BGT_NATURE": line.account,
                "BGT_NATURE_LABEL": line.label, "BGT_FONCTION": line.function, "BGT_FONCTION_LABEL": "",
                "BGT_OPERATION": "",
                # The schema's allowed values (schema.data.gouv.fr, SCDL "budget").
                "BGT_SECTION": "fonctionnement" if line.section == "F" else "investissement",
                "BGT_OPBUDG": "réel" if line.is_real else "ordre",
                "BGT_CODRD": "dépense" if line.direction == "D" else "recette",
                "BGT_MTREAL": amount if actual else None, "BGT_MTBUDGPREC": None,
                "BGT_MTRARPREC": None, "BGT_MTPROPNOUV": None, "BGT_MTPREV": None if actual else amount,
                "BGT_CREDOUV": None, "BGT_MTRAR3112": None, "BGT_ARTSPE": "",
            }


def _indicator_rows():
    for finance_year, values in table():
        yield {"year": finance_year.year, "population": finance_year.population,
               **{indicator.key: values[indicator.key] for indicator in INDICATORS}}


def _question_rows():
    answered = {a.content_id: a.published_at for a in db.session.scalars(
        select(Answer).where(Answer.content_type == Question.content_type_name, Answer.status == "published"))}
    for question in db.session.scalars(select(Question).where(*PUBLIC).order_by(Question.id)):
        yield {"id": question.id, "question": question.title, "state": question.state,
               "published_at": question.published_at, "answered_at": answered.get(question.id)}


@hookimpl
def open_data_datasets() -> list[Dataset]:
    return [
        Dataset("city-accounts", _l("The city's accounts"),
                _l("Every imported year's accounts, line by line, in the national SCDL budget format "
                   "(schema.data.gouv.fr)."), SCDL_COLUMNS, _account_rows),
        Dataset("finance-indicators", _l("Financial indicators of the city"),
                _l("Per year: the population, the legal ratios of article R2313-1 of the CGCT, gross and net "
                   "savings, the savings rate and the debt-repayment capacity in years."),
                ("year", "population") + tuple(indicator.key for indicator in INDICATORS), _indicator_rows),
        Dataset("finance-questions", _l("Questions to the finance commission"),
                _l("The published questions and when the commission answered them. No personal data."),
                ("id", "question", "state", "published_at", "answered_at"), _question_rows),
    ]


@hookimpl
def public_statistics() -> list[Statistic]:
    asked = db.session.scalar(select(func.count()).select_from(Question).where(*PUBLIC)) or 0
    answered = db.session.scalar(
        select(func.count()).select_from(Question).where(*PUBLIC, Question.state == "answered")) or 0
    return [
        Statistic("finance_meetings_held", _l("Finance commission meetings held"), meetings_held(NAME)),
        Statistic("finance_questions_asked", _l("Questions asked to the finance commission"), asked),
        Statistic("finance_questions_answered", _l("Questions answered by the finance commission"), answered),
    ]


@hookimpl
def personal_data():
    return [PersonalData(
        _l("Your questions to the finance commission"),
        _l("Publishing your question with your name and the commission's answer"),
        _l("Published questions stay, shown without your name once you delete your account; the "
           "others are deleted with it"), order=60)]
