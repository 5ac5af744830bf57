"""The consultation's rules: its dates and states, who may take part, when questions are locked,
and how a participant's answers are checked and saved.

Dates move a published consultation by themselves: an upcoming consultation opens on its opening
day and an open one closes after its closing day. The scheduled job ``consultation.calendar``
(every quarter of an hour, and ``flask --app core consultation calendar``) records each move
through the core's workflow service (:func:`follow_the_calendar`), so it is on the timeline and
the followers (the participants) are told. Pages never write: until the job has run they show
the state the calendar implies (:func:`calendar_state`), and who may take part follows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date, format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update

from core.database import db
from core.services.follows import follow
from core.web import whole_number
from core.workflows import THE_SYSTEM, move

from .models import (
    EVERYONE, LONG_TEXT, MULTIPLE, PENDING, RANKING, RESIDENTS, SCALE, SHORT_TEXT, SINGLE,
    AnswerValue, Consultation, Question, Response,
)


SHORT_TEXT_MAX, LONG_TEXT_MAX = 300, 5000

# Ranks and scale values are small numbers; more digits than this is not an answer.
RANK_OR_SCALE_MAX = 999_999


def today() -> date:
    from core.database import utcnow

    return utcnow().date()


# --- Dates and states ---------------------------------------------------------------------------


def calendar_state(consultation: Consultation) -> str:
    """The state the calendar implies today: an upcoming consultation whose first day has come is
    open (closed, once its last day has passed too), an open one whose last day has passed is
    closed. Otherwise its recorded state."""
    day = today()
    if consultation.state == "upcoming" and consultation.opens_on <= day:
        return "open" if day <= consultation.closes_on else "closed"
    if consultation.state == "open" and consultation.closes_on < day:
        return "closed"
    return consultation.state


def follow_the_calendar(consultations=None) -> int:
    """Open the upcoming consultations whose day has come and close the open ones whose last day
    has passed, by the workflow's system transitions; returns how many moved. Commits (the
    followers are then told). ``consultations``: those to look at, as read (default: every
    upcoming or open one)."""
    day = today()
    if consultations is None:
        consultations = db.session.scalars(
            select(Consultation).where(Consultation.state.in_(("upcoming", "open"))).order_by(Consultation.id)
        ).all()
    moved = 0
    for consultation in consultations:
        if consultation.state == "upcoming" and consultation.opens_on <= day \
                and _claim(consultation, "upcoming", "open"):
            move(consultation, "calendar_open", THE_SYSTEM)
            moved += 1
        if consultation.state == "open" and consultation.closes_on < day \
                and _claim(consultation, "open", "closed"):
            move(consultation, "calendar_close", THE_SYSTEM)
            moved += 1
    db.session.commit()
    return moved


def _claim(consultation: Consultation, old: str, new: str) -> bool:
    """Move ``consultation`` from ``old`` to ``new`` in the database only if it is still in
    ``old`` there: when two workers catch up at once, one of them
    moves it and announces it; the other finds nothing to do."""
    claimed = db.session.execute(
        update(Consultation).where(Consultation.id == consultation.id, Consultation.state == old)
        .values(state=new).execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.refresh(consultation)
    return bool(claimed)


def publication_blockers(consultation: Consultation) -> list[str]:
    """What keeps a draft from being published, in words for the staff (empty: it can be)."""
    blockers = []
    if consultation.has_questionnaire and not consultation.questions:
        blockers.append(_("Add at least one question, or take the questionnaire out of the consultation's "
                          "parts."))
    if consultation.closes_on < today():
        blockers.append(_("Its closing day has passed: change its dates."))
    return blockers


def accepts_answers(consultation: Consultation) -> bool:
    return calendar_state(consultation) == "open" and consultation.opens_on <= today() <= consultation.closes_on


def participation_refusal(consultation: Consultation, user):
    """``None`` when ``user`` may take part now (answer, propose, support), else why not."""
    if consultation.state == "draft":
        # Only the staff see a draft (its preview): nobody takes part before it is published.
        return _l("This consultation is not published yet: nobody can take part before it is.")
    state = calendar_state(consultation)
    if state == "upcoming" or (state == "open" and today() < consultation.opens_on):
        return _l("This consultation is not open yet: you can take part from %(day)s.",
                  day=long_day(consultation.opens_on))
    if not accepts_answers(consultation):
        return _l("This consultation is closed: it no longer accepts answers.")
    if not getattr(user, "is_authenticated", False):
        return _l("Log in to take part.")
    if not user.is_confirmed:
        return _l("Confirm your e-mail address to take part.")
    if consultation.eligibility == RESIDENTS:
        allowed = {n.id for n in consultation.neighbourhoods}
        if user.neighbourhood_id not in allowed:
            names = ", ".join(n.name for n in consultation.neighbourhoods)
            return _l("This consultation is open to the residents of: %(names)s. The neighbourhood "
                      "of your account is not one of them.", names=names)
    return None


def long_day(day: date) -> str:
    """A day written out in the reader's language ("25 novembre 2026")."""
    return format_date(day, "long")


def eligibility_label(consultation: Consultation) -> str:
    if consultation.eligibility == EVERYONE or not consultation.neighbourhoods:
        return _("Anyone with a confirmed account")
    return _("The residents of: %(names)s", names=", ".join(n.name for n in consultation.neighbourhoods))


# --- Questions ----------------------------------------------------------------------------------


def has_answers(consultation: Consultation) -> bool:
    return bool(db.session.scalar(
        select(exists().where(Response.consultation_id == consultation.id))
    ))


def response_of(consultation: Consultation, user) -> Response | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Response).where(Response.consultation_id == consultation.id, Response.user_id == user.id)
    )


# --- Answers ------------------------------------------------------------------------------------


@dataclass
class Submission:
    """A participant's answers as they were sent, with an error per question that needs one.

    ``raw`` keeps what was sent (so that the form shows it again after an error); ``values`` are
    the checked answers, ready to be saved.
    """

    raw: dict[int, list[str]] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    values: list[AnswerValue] = field(default_factory=list)


def raw_from_response(response: Response | None) -> dict[int, list[str]]:
    """The saved answers as the form shows them (option ids, numbers and texts as strings)."""
    raw: dict[int, list[str]] = {}
    if response is None:
        return raw
    for value in sorted(response.values, key=lambda v: (v.question_id, v.rank or 0, v.id)):
        if value.option_id is not None and value.rank is not None:
            raw.setdefault(value.question_id, []).append(f"{value.option_id}:{value.rank}")
        elif value.option_id is not None:
            raw.setdefault(value.question_id, []).append(str(value.option_id))
        elif value.number is not None:
            raw.setdefault(value.question_id, []).append(str(value.number))
        elif value.text is not None:
            raw.setdefault(value.question_id, []).append(value.text)
    return raw


def read_submission(consultation: Consultation, form) -> Submission:
    """Check the answers in ``form`` (the request's form data) against the questionnaire."""
    submission = Submission()
    for question in consultation.questions:
        name = f"q{question.id}"
        if question.kind == RANKING:
            sent = [f"{o.id}:{form.get(f'{name}-{o.id}', '').strip()}" for o in question.options]
            submission.raw[question.id] = [s for s in sent if not s.endswith(":")]
        else:
            submission.raw[question.id] = [v for v in form.getlist(name) if v.strip()]
        error = _check(question, submission)
        if error:
            submission.errors[question.id] = str(error)
    return submission


def _check(question: Question, submission: Submission):
    sent = submission.raw[question.id]
    options = {str(o.id): o for o in question.options}
    if not sent:
        return _l("Please answer this question.") if question.required else None
    if question.kind == SINGLE:
        if len(sent) != 1 or sent[0] not in options:
            return _l("Choose one of the answers offered.")
        submission.values.append(AnswerValue(question_id=question.id, option_id=int(sent[0])))
    elif question.kind == MULTIPLE:
        if any(value not in options for value in sent) or len(set(sent)) != len(sent):
            return _l("Choose among the answers offered.")
        if question.max_choices and len(sent) > question.max_choices:
            return _l("Choose %(max)s answers at most (you chose %(count)s).",
                      max=question.max_choices, count=len(sent))
        for value in sent:
            submission.values.append(AnswerValue(question_id=question.id, option_id=int(value)))
    elif question.kind == RANKING:
        ranks = {}
        for pair in sent:
            option_id, _sep, rank = pair.partition(":")
            number = whole_number(rank, maximum=RANK_OR_SCALE_MAX)
            if number is None or not 1 <= number <= len(question.options):
                return _l("Give each item a different rank from 1 to %(count)s.", count=len(question.options))
            ranks[int(option_id)] = number
        if len(ranks) != len(question.options) or sorted(ranks.values()) != list(range(1, len(question.options) + 1)):
            return _l("Give each item a different rank from 1 to %(count)s.", count=len(question.options))
        for option_id, rank in ranks.items():
            submission.values.append(AnswerValue(question_id=question.id, option_id=option_id, rank=rank))
    elif question.kind == SCALE:
        number = whole_number(sent[0], maximum=RANK_OR_SCALE_MAX)
        if len(sent) != 1 or number is None or not question.scale_min <= number <= question.scale_max:
            return _l("Choose a value from %(min)s to %(max)s.", min=question.scale_min, max=question.scale_max)
        submission.values.append(AnswerValue(question_id=question.id, number=number))
    elif question.kind in (SHORT_TEXT, LONG_TEXT):
        text = sent[0].strip()
        limit = SHORT_TEXT_MAX if question.kind == SHORT_TEXT else LONG_TEXT_MAX
        if len(text) > limit:
            return _l("%(max)s characters at most (you wrote %(count)s).", max=format_number(limit),
                      count=format_number(len(text)))
        submission.values.append(AnswerValue(question_id=question.id, text=text, moderation=PENDING))
    return None


def save_response(consultation: Consultation, user, submission: Submission) -> tuple[Response, bool]:
    """Replace ``user``'s answers with the checked ones; returns the response and whether it is
    new. The participant follows the consultation, to hear of its results and decision. The
    caller commits."""
    response = response_of(consultation, user)
    created = response is None
    if created:
        response = Response(consultation_id=consultation.id, user_id=user.id)
        db.session.add(response)
    kept_texts = {(v.question_id, v.text): v.moderation for v in response.values if v.text is not None}
    response.values.clear()
    db.session.flush()
    for value in submission.values:
        if value.text is not None:
            # An unchanged text keeps its moderation; a changed one is read again.
            value.moderation = kept_texts.get((value.question_id, value.text), PENDING)
        response.values.append(value)
    if not created:
        from core.database import utcnow

        response.updated_at = utcnow()
    follow(user, consultation)
    return response, created
