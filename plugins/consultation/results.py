"""The results of a consultation, built from the answers: for each question, counts and shares
(choices), average ranks (ranking), distribution and mean (scale), and the approved free texts;
then the proposals, most supported first.

Every figure is a total over all the participants: the results show no breakdown by
neighbourhood or any other trait, so no count can point at a person; a question fewer people
answered than the ``minimum_respondents`` setting shows no figure at all (among two people who
answered, each would know what the other chose); free texts are listed only after the staff
approved them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from core.database import db

from .models import (
    APPROVED, MULTIPLE, RANKING, SCALE, SINGLE, AnswerValue, Consultation, Proposal, Question,
)
from .workflow import PAST_STATES


@dataclass
class Row:
    """One line of a question's results: an option (or a scale value) and its figures."""

    label: str
    count: int = 0
    percent: float = 0.0
    # Ranking: the average rank (1 is best) and the number of times ranked first.
    average_rank: float | None = None
    first: int = 0


@dataclass
class QuestionResult:
    question: Question
    respondents: int = 0
    rows: list[Row] = field(default_factory=list)
    mean: float | None = None
    # The first published free-text answers (all of them in the report), how many are
    # published in all, and how many are not (waiting for moderation or set aside).
    texts: list[str] = field(default_factory=list)
    texts_published: int = 0
    texts_waiting: int = 0
    # Set when too few people answered for the figures to be published: the fewest needed.
    withheld_below: int | None = None

    @property
    def max_count(self) -> int:
        return max((row.count for row in self.rows), default=0)


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def minimum_respondents() -> int:
    """The fewest people who must have answered a question for its figures to be shown."""
    from core.settings import get_setting

    return get_setting("consultation", "minimum_respondents")


# Free-text answers shown on the results page under each question; the others are a page away.
TEXTS_SHOWN = 20


def question_results(consultation: Consultation, texts_shown: int | None = TEXTS_SHOWN
                     ) -> list[QuestionResult]:
    """The results of every question, in four queries (and one per free-text question) whatever
    the number of answers; the first ``texts_shown`` published free texts of each question
    (``None``: all of them, for the printable report).

    The figures of a choice or scale question fewer than :func:`minimum_respondents` people
    answered are left out (``withheld_below`` says so), here, so that no page or dataset built
    from these results can show them."""
    questions = list(consultation.questions)
    minimum = minimum_respondents()
    ids = [q.id for q in questions]
    if not ids:
        return []
    respondents, by_option, by_number = figures(consultation, ids)
    published: dict[int, int] = {}
    waiting: dict[int, int] = {}
    # A free-text question's answers are all texts (an empty one is not saved).
    text_ids = [q.id for q in questions if q.is_text]
    rows = db.session.execute(
        select(AnswerValue.question_id, AnswerValue.moderation, func.count())
        .where(AnswerValue.question_id.in_(text_ids))
        .group_by(AnswerValue.question_id, AnswerValue.moderation)
    ) if text_ids else []
    for question_id, moderation, count in rows:
        counts = published if moderation == APPROVED else waiting
        counts[question_id] = counts.get(question_id, 0) + int(count)
    texts = {
        question.id: list(db.session.scalars(published_texts(question.id).limit(texts_shown)))
        for question in questions if question.is_text and published.get(question.id)
    }

    results = []
    for question in questions:
        total = int(respondents.get(question.id, 0))
        result = QuestionResult(question, respondents=total)
        if question.kind in (SINGLE, MULTIPLE):
            result.rows = [Row(o.label, count, _percent(count, total))
                           for o in question.options
                           for count in [by_option.get((question.id, o.id), (0, None, 0))[0]]]
        elif question.kind == RANKING:
            for option in question.options:
                count, rank_sum, firsts = by_option.get((question.id, option.id), (0, None, 0))
                average = round(rank_sum / count, 2) if count and rank_sum is not None else None
                result.rows.append(Row(option.label, firsts, _percent(firsts, total), average, firsts))
            # The best ranked first (a lower average rank is better).
            result.rows.sort(key=lambda row: (row.average_rank is None, row.average_rank or 0))
        elif question.kind == SCALE:
            weighted = 0
            for value in question.scale_values:
                count = by_number.get((question.id, value), 0)
                weighted += value * count
                result.rows.append(Row(str(value), count, _percent(count, total)))
            result.mean = round(weighted / total, 2) if total else None
        else:
            result.texts = texts.get(question.id, [])
            result.texts_published = published.get(question.id, 0)
            result.texts_waiting = waiting.get(question.id, 0)
        if not question.is_text and 0 < total < minimum:
            result.rows, result.mean, result.withheld_below = [], None, minimum
        results.append(result)
    return results


def figures(consultation: Consultation, ids: list[int]):
    """The questionnaire's counts: respondents per question, ``(question, option)`` ->
    ``(count, sum of ranks, times ranked first)``, ``(question, number)`` -> count.

    Counted from the answers while they may still change; once the consultation is closed
    they cannot, and the counts kept with it when it closed (:func:`keep_figures`) are read
    instead."""
    snapshot = consultation.results_snapshot
    if consultation.state in PAST_STATES and snapshot and snapshot.get("questions") == ids:
        return ({q: n for q, n in snapshot["respondents"]},
                {(q, o): (n, ranks, firsts) for q, o, n, ranks, firsts in snapshot["options"]},
                {(q, number): n for q, number, n in snapshot["numbers"]})
    return _count_figures(ids)


def _count_figures(ids: list[int]):
    respondents = {question_id: int(count) for question_id, count in db.session.execute(
        select(AnswerValue.question_id, func.count(func.distinct(AnswerValue.response_id)))
        .where(AnswerValue.question_id.in_(ids)).group_by(AnswerValue.question_id)
    )}
    by_option = {
        (question_id, option_id): (int(count), int(rank_sum) if rank_sum is not None else None,
                                   int(firsts or 0))
        for question_id, option_id, count, rank_sum, firsts in db.session.execute(
            select(AnswerValue.question_id, AnswerValue.option_id, func.count(),
                   func.sum(AnswerValue.rank),
                   func.sum(db.case((AnswerValue.rank == 1, 1), else_=0)))
            .where(AnswerValue.question_id.in_(ids), AnswerValue.option_id.is_not(None))
            .group_by(AnswerValue.question_id, AnswerValue.option_id)
        )
    }
    by_number = {
        (question_id, number): int(count)
        for question_id, number, count in db.session.execute(
            select(AnswerValue.question_id, AnswerValue.number, func.count())
            .where(AnswerValue.question_id.in_(ids), AnswerValue.number.is_not(None))
            .group_by(AnswerValue.question_id, AnswerValue.number)
        )
    }
    return respondents, by_option, by_number


def keep_figures(consultation_id: int) -> None:
    """Keep a closed consultation's counts with it (``results_snapshot``): its answers can no
    longer change, so its results pages read them instead of counting again. Done when it
    closes (the plugin's reaction to the move); the caller commits."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        return
    ids = [q.id for q in consultation.questions]
    respondents, by_option, by_number = _count_figures(ids)
    consultation.results_snapshot = {
        "responses": _count_responses(consultation),
        "participants": _count_participants(consultation),
        "questions": ids,
        "respondents": [[q, n] for q, n in respondents.items()],
        "options": [[q, o, *values] for (q, o), values in by_option.items()],
        "numbers": [[q, number, n] for (q, number), n in by_number.items()],
    }


def published_texts(question_id: int):
    """The query of a question's published free-text answers, oldest first."""
    return (select(AnswerValue.text)
            .where(AnswerValue.question_id == question_id, AnswerValue.moderation == APPROVED)
            .order_by(AnswerValue.id))


def proposals_by_support(consultation: Consultation):
    """The query of the consultation's visible proposals, most supported first."""
    return (select(Proposal)
            .where(Proposal.consultation_id == consultation.id, Proposal.is_hidden.is_(False))
            .order_by(Proposal.support_count.desc(), Proposal.created_at, Proposal.id))


def ranked_proposals(consultation: Consultation) -> list[Proposal]:
    """The consultation's visible proposals, most supported first."""
    return list(db.session.scalars(proposals_by_support(consultation)))


def _kept(consultation: Consultation, name: str) -> int | None:
    """A count kept with a closed consultation's figures (see :func:`figures`), if any."""
    snapshot = consultation.results_snapshot
    if consultation.state in PAST_STATES and snapshot and name in snapshot:
        return int(snapshot[name])
    return None


def response_count(consultation: Consultation) -> int:
    """How many people answered the questionnaire."""
    kept = _kept(consultation, "responses")
    return kept if kept is not None else _count_responses(consultation)


def participant_count(consultation: Consultation) -> int:
    """The people who answered the questionnaire or put forward a proposal."""
    kept = _kept(consultation, "participants")
    return kept if kept is not None else _count_participants(consultation)


def _count_responses(consultation: Consultation) -> int:
    from .models import Response

    return db.session.scalar(
        select(func.count()).select_from(Response).where(Response.consultation_id == consultation.id)
    ) or 0


def _count_participants(consultation: Consultation) -> int:
    from .models import Response

    answered = (select(Response.id)
                .where(Response.consultation_id == consultation.id,
                       Response.user_id == Proposal.author_id)
                .exists())
    proposers = db.session.scalar(
        select(func.count(func.distinct(Proposal.author_id))).where(
            Proposal.consultation_id == consultation.id, Proposal.author_id.is_not(None), ~answered)
    ) or 0
    return _count_responses(consultation) + proposers
