"""The rules of the mediation office: case references, deadlines and reminders, the decisions
on a case, and the retention of closed cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.accounts.models import User, UserRole
from core.services.attachments import attachments_of, delete_attachment
from core.services.audit import record as audit
from core.database import db, utcnow
from core.mail import send_mail
from core.services.notifications import notify
from core.permissions import roles_granting
from core.settings import get_setting
from core.workflows import WorkflowRecord, apply

from .models import Case, CaseMessage, Invitation
from .workflow import HANDLE, OPEN_STATES, OUTCOMES

PLUGIN = "conciliator"


def setting(name: str):
    return get_setting(PLUGIN, name)


# --- People --------------------------------------------------------------------------------------


def conciliators() -> list[User]:
    """The active accounts holding the permission to handle cases."""
    roles = roles_granting(HANDLE)
    if not roles:
        return []
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_(roles), User.deleted_at.is_(None))
        .distinct().order_by(User.id)
    ))


# --- References ----------------------------------------------------------------------------------


def next_reference(now: datetime | None = None) -> str:
    """The next free reference of the year: ``MED-2026-0042``."""
    now = now or utcnow()
    prefix = f"{setting('reference_prefix')}-{now.year}-"
    references = db.session.scalars(
        select(Case.reference).where(Case.reference.like(prefix + "%"))
    )
    numbers = [int(ref[len(prefix):]) for ref in references if ref[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def add_case(case: Case) -> Case:
    """Give ``case`` its reference and add it to the session (retries if two take the same)."""
    for _attempt in range(5):
        case.reference = next_reference()
        try:
            with db.session.begin_nested():
                db.session.add(case)
                db.session.flush()
            return case
        except IntegrityError:
            continue
    raise RuntimeError("Could not allocate a case reference")


def acknowledge(case: Case, user) -> None:
    """Send the resident the e-mail acknowledgement with the case reference (caller commits)."""
    link = url_for("conciliator.case", id=case.id, _external=True)
    send_mail(user.email, _l("Your mediation case %(reference)s has been received",
                             reference=case.reference),
              "conciliator/mail/acknowledgement", locale=user.locale, user=user, case=case,
              link=link, deadline=deadline_of(case, "admissibility"))


# --- Deadlines -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A deadline of a case: what is due, by when, and whether it was met."""

    key: str
    label: str
    due: datetime
    done: bool

    @property
    def overdue(self) -> bool:
        return not self.done and self.due < utcnow()


DEADLINE_LABELS = {
    "acknowledgement": _l("Opened by a conciliator"),
    "admissibility": _l("Admissibility decision"),
    "answer": _l("Mediation closed"),
}


def deadline_of(case: Case, key: str) -> datetime | None:
    if key == "acknowledgement":
        return case.created_at + timedelta(days=setting("acknowledgement_days"))
    if key == "admissibility":
        return case.created_at + timedelta(days=setting("admissibility_days"))
    if key == "answer":
        start = case.decided_at if case.state != "received" else None
        if start is None or case.state == "inadmissible":
            return None
        return start + timedelta(days=setting("answer_days"))
    raise KeyError(key)


def deadlines(case: Case) -> list[Deadline]:
    """The case's deadlines in order, with whether each was met."""
    done = {
        # A case a conciliator has already moved on was opened, even if the move came first.
        "acknowledgement": case.acknowledged_at is not None or case.state != "received",
        "admissibility": case.decided_at is not None or case.state != "received",
        "answer": case.state == "closed",
    }
    result = []
    for key in ("acknowledgement", "admissibility", "answer"):
        due = deadline_of(case, key)
        if due is not None:
            result.append(Deadline(key, str(DEADLINE_LABELS[key]), due, done[key]))
    return result


def next_deadline(case: Case) -> Deadline | None:
    """The first deadline not met yet (``None`` for a closed or inadmissible case)."""
    if case.state not in OPEN_STATES:
        return None
    return next((d for d in deadlines(case) if not d.done), None)


def send_reminders(now: datetime | None = None) -> int:
    """Mail the conciliators about deadlines passing within ``reminder_days``; each once."""
    now = now or utcnow()
    window = timedelta(days=setting("reminder_days"))
    people = conciliators()
    sent = 0
    for case in db.session.scalars(select(Case).where(Case.state.in_(OPEN_STATES))):
        already = set(filter(None, case.reminders_sent.split(",")))
        for deadline in deadlines(case):
            if deadline.done or deadline.key in already or deadline.due - window > now:
                continue
            reference, label, due = case.reference, deadline.label, deadline.due

            def message(reference=reference, key=deadline.key, due=due):
                from flask_babel import format_date

                return _("Mediation case %(reference)s: deadline “%(deadline)s” on %(date)s.",
                         reference=reference, deadline=str(DEADLINE_LABELS[key]),
                         date=format_date(due))

            with current_app.test_request_context():
                url = url_for("conciliator.case", id=case.id)
            notify(people, "conciliator.deadline", message, url=url)
            already.add(deadline.key)
            sent += 1
        case.reminders_sent = ",".join(sorted(already))
    db.session.commit()
    return sent


# --- Decisions -----------------------------------------------------------------------------------


def decide(case: Case, name: str, user, comment: str = "") -> WorkflowRecord:
    """Apply the transition ``name`` and what comes with it, and commit; raises
    ``TransitionRefused``.

    Declaring a case inadmissible sends the reason and where else to turn to the resident;
    closing it records the outcome. Everything is audited; once committed, the core's
    notifications service tells the resident the case's new state.
    """
    record = apply(case, name, user, comment, record_audit=False)
    note_decision(case, name)
    audit(f"conciliator.case.{name}", case, summary=case.reference, from_state=record.from_state,
          to_state=case.state)
    if name == "reject" and case.author is not None:
        send_mail(case.author.email,
                  _l("Your mediation case %(reference)s cannot be handled", reference=case.reference),
                  "conciliator/mail/inadmissible", locale=case.author.locale, user=case.author,
                  case=case, reason=record.comment, remedies=str(setting("other_remedies")),
                  link=url_for("conciliator.case", id=case.id, _external=True))
    db.session.commit()
    return record


def note_decision(case: Case, name: str) -> None:
    """Keep the dates and the outcome the transition ``name`` gives the case."""
    if name in ("admit", "reject") and case.decided_at is None:
        case.decided_at = utcnow()
    if case.state == "closed" and case.closed_at is None:
        case.closed_at = utcnow()
        case.outcome = OUTCOMES.get(name, "unresolved")


def note_move(case_id: int, name: str) -> None:
    """A case moved by the transition ``name``, whoever moved it (the core's own route too):
    keep the dates and the outcome it gives the case, if not kept yet. The caller commits."""
    case = db.session.get(Case, case_id)
    if case is not None:
        note_decision(case, name)


# --- Retention -----------------------------------------------------------------------------------


def _erase_contents(case: Case) -> None:
    for attachment in attachments_of(case):
        delete_attachment(attachment)
    db.session.execute(db.delete(CaseMessage).where(CaseMessage.case_id == case.id))
    db.session.execute(db.delete(Invitation).where(Invitation.case_id == case.id))


def anonymise(case: Case) -> None:
    """Keep only what the yearly report counts: service, domain, dates, states, outcome."""
    _erase_contents(case)
    db.session.execute(
        db.update(WorkflowRecord)
        .where(WorkflowRecord.content_type == Case.content_type_name,
               WorkflowRecord.content_id == case.id)
        .values(comment="", actor_id=None)
    )
    case.title = ""
    case.body = ""
    case.prior_steps = ""
    case.hoped_outcome = ""
    case.author_id = None
    case.neighbourhood_id = None
    case.anonymised_at = utcnow()


def erase(case: Case) -> None:
    """Remove the case and everything about it."""
    _erase_contents(case)
    db.session.execute(
        db.delete(WorkflowRecord)
        .where(WorkflowRecord.content_type == Case.content_type_name,
               WorkflowRecord.content_id == case.id)
    )
    db.session.delete(case)


def purge_expired(now: datetime | None = None) -> int:
    """Erase or anonymise (setting ``retention_mode``) the cases closed longer ago than
    ``retention_years``; returns how many. Meant for a daily scheduler."""
    now = now or utcnow()
    limit = now - timedelta(days=365 * setting("retention_years"))
    finished = Case.state.in_(("closed", "inadmissible"))
    ended = func.coalesce(Case.closed_at, Case.decided_at)
    cases = list(db.session.scalars(
        select(Case).where(finished, ended <= limit, Case.anonymised_at.is_(None))
    ))
    mode = setting("retention_mode")
    for case in cases:
        reference = case.reference
        if mode == "erase":
            erase(case)
        else:
            anonymise(case)
        audit(f"conciliator.case.{'erased' if mode == 'erase' else 'anonymised'}",
              object_type=Case.__tablename__, object_id=reference,
              summary=_l("%(reference)s: retention period over", reference=reference))
    db.session.commit()
    return len(cases)
