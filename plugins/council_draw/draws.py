"""The life of a draw, from the pool to the members who agreed.

1. :func:`prepare`: the pool of each college (candidates in the pool), its quotas, and the
   selection probabilities the chosen algorithm gives; when the quotas cannot be met, the
   diagnosis instead. Staff see the probabilities before anything is public. A large pool is
   computed by the background worker (:func:`compute`), within a time limit.
2. :func:`publish`: the record (pseudonyms, quotas, algorithm, probabilities, lottery) becomes
   public with its fingerprint; the pool is frozen.
3. :func:`hold_ceremony`: the seed entered in front of witnesses draws each college's panel and
   ranked reserve list (:func:`.selection.record.run_draw`); members are invited by e-mail.
4. Members accept or decline (:func:`respond`); staff record withdrawals and call in the
   reserve (:func:`replacement_for`, :func:`replace`) so that the quotas still hold.

Every change of a draw's or a member's status is a transition declared in ``workflow.py``
(:func:`set_draw_status`, :func:`set_member_status`).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.services.audit import record as audit
from core.services.bodies import add_member, end_membership, ensure_body
from core.database import db, utcnow
from core.jobs import enqueue
from core.mail import send_mail
from core.services.notifications import notify
from core.settings import get_setting

from .models import Candidate, College, Council, Draw, Member
from .selection import record as records
from .selection.diagnosis import Diagnosis, diagnose
from .selection.greedy import GreedyDeadEnd
from .selection.leximin import InfeasibleQuotas, TimeLimitReached
from .selection.problem import Candidate as PoolCandidate
from .selection.problem import Problem
from .selection.problem import Quota as PoolQuota
from .selection.sampling import normalise_seed
from .workflow import DRAW_LIFE, MEMBER_LIFE, PUBLISHED, SEATED, VACATED

ALGORITHM_LABELS = {
    "leximin": _l("LEXIMIN (fairest: equal chances as far as the quotas allow)"),
    "greedy": _l("Greedy (classic, simpler; chances are estimated)"),
}


# Why the worker could not compute a draw's probabilities (``Draw.problem``), as staff read it.
PROBLEMS = {
    "infeasible": _l("The quotas can no longer be met (the pool or the quotas changed): prepare "
                     "the draw again to see which quotas conflict."),
    "error": _l("The computation stopped on an unexpected error (the details are in the "
                "server's log). Prepare the draw again; if it fails again, choose the greedy "
                "algorithm or tell the site's administrators."),
    "time_limit": _l("The computation did not finish within the time limit. Allow more time in "
                     "the settings, set quotas on fewer features, or choose the greedy "
                     "algorithm."),
}
COMPUTE_JOB = "council_draw.compute"
log = logging.getLogger(__name__)


class DrawRefused(Exception):
    """The step cannot be taken now; ``message`` says why (translated)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def set_draw_status(draw: Draw, transition: str) -> None:
    """Move ``draw`` by ``transition`` of :data:`.workflow.DRAW_LIFE` (``ValueError`` when that
    move is not declared from its status)."""
    draw.status = DRAW_LIFE.target_from(draw.status, transition)


def set_member_status(member: Member, transition: str) -> None:
    """Move ``member`` by ``transition`` of :data:`.workflow.MEMBER_LIFE` (``ValueError`` when
    that move is not declared from its status)."""
    member.status = MEMBER_LIFE.target_from(member.status, transition)


@dataclass
class Infeasible:
    """A college whose quotas cannot be met, and why."""

    college: College
    diagnosis: Diagnosis


# --- The pool --------------------------------------------------------------------------------------


def pool_candidates(council: Council, college: College) -> list[Candidate]:
    return list(db.session.scalars(
        db.select(Candidate)
        .where(Candidate.council_id == council.id, Candidate.college_id == college.id,
               Candidate.in_pool.is_(True))
        .order_by(Candidate.pseudonym)
    ))


def college_input(council: Council, college: College) -> records.CollegeInput:
    """What the algorithms see of a college: pseudonyms, feature values, seats and quotas."""
    quotas = [
        PoolQuota(q.value.feature.key, q.value.key, q.minimum, q.maximum)
        for q in college.quotas
    ]
    counted = {q.feature for q in quotas}
    candidates = [
        PoolCandidate(c.pseudonym, {f: str((c.features or {}).get(f, "")) for f in sorted(counted)})
        for c in pool_candidates(council, college)
    ]
    return records.CollegeInput(college.key, college.name, college.seats, quotas, candidates)


def diagnose_council(council: Council) -> list[Infeasible]:
    """The colleges whose quotas cannot be met with the current pool."""
    problems = []
    for college in council.colleges:
        found = diagnose(college_input(council, college).problem())
        if found is not None:
            problems.append(Infeasible(college, found))
    return problems


def quota_label(council: Council, quota: PoolQuota) -> str:
    """"Gender: Woman" for a quota of the selection module."""
    for feature in council.features:
        if feature.key == quota.feature:
            value = feature.value_by_key(quota.value)
            return f"{feature.name}: {value.label if value else quota.value}"
    return f"{quota.feature}: {quota.value}"


# --- Preparing and publishing ------------------------------------------------------------------------


def pool_size(council: Council) -> int:
    """Candidates in the largest pool of the council's colleges."""
    return max((len(pool_candidates(council, college)) for college in council.colleges), default=0)


def prepare(council: Council, algorithm: str, actor) -> Draw | list[Infeasible]:
    """Compute the probabilities (a "prepared" draw, visible to staff only), or return the
    colleges whose quotas cannot be met. Replaces an earlier prepared draw.

    A pool of at least the ``background_pool_size`` setting is left to the background worker:
    the draw returned is then "computing", and :func:`compute` finishes it."""
    current = council.current_draw
    if current is not None and current.status in PUBLISHED:
        raise DrawRefused(_l("This council's draw is already published."))
    if current is not None and current.status == "computing":
        raise DrawRefused(_l("The chances of this council are already being computed."))
    if not council.colleges:
        raise DrawRefused(_l("Add at least one college before preparing the draw."))
    infeasible = diagnose_council(council)
    if infeasible:
        return infeasible
    if pool_size(council) >= int(get_setting("council_draw", "background_pool_size")):
        draw = Draw(council=council, algorithm=algorithm, status=DRAW_LIFE.initial, record={},
                    created_by_id=getattr(actor, "id", None))
        db.session.add(draw)
        db.session.flush()
        enqueue(COMPUTE_JOB, draw_id=draw.id, unique_key=f"{COMPUTE_JOB}:{draw.id}")
        audit("council_draw.draw_queued", draw,
              summary=_l("Probabilities of %(council)s queued for the worker",
                         council=council.name),
              algorithm=algorithm)
        return draw
    inputs = [college_input(council, college) for college in council.colleges]
    try:
        record = records.build_record(council.name, 0, algorithm, inputs,
                                      utcnow().date().isoformat())
    except (InfeasibleQuotas, GreedyDeadEnd):
        return [Infeasible(college, Diagnosis()) for college in council.colleges]
    draw = Draw(council=council, algorithm=algorithm, status=DRAW_LIFE.initial,
                created_by_id=getattr(actor, "id", None))
    return _prepared(council, draw, record)


def _prepared(council: Council, draw: Draw, record: dict) -> Draw:
    """``draw`` (computing) now holds ``record``'s probabilities; earlier prepared draws go."""
    for old in [d for d in council.draws if d.status == "prepared" and d is not draw]:
        db.session.delete(old)
    set_draw_status(draw, "computed")
    draw.record = record
    draw.fingerprint = record["fingerprint"]
    draw.problem = ""
    if draw.id is None:
        db.session.add(draw)
    db.session.flush()
    audit("council_draw.draw_prepared", draw,
          summary=_l("Probabilities computed for %(council)s", council=council.name),
          algorithm=draw.algorithm)
    return draw


def compute(draw_id: int) -> None:
    """The worker's job: compute the probabilities of a "computing" draw, within the
    ``time_limit_minutes`` setting, and tell the person who asked. Safe to run again: a draw
    that is no longer computing is left alone. A failure is recorded on the draw (staff read
    why), not retried: the same inputs would fail the same way."""
    draw = db.session.get(Draw, draw_id)
    if draw is None or draw.status != "computing":
        return
    council = draw.council
    minutes = int(get_setting("council_draw", "time_limit_minutes"))
    deadline = time.monotonic() + 60 * minutes
    inputs = [college_input(council, college) for college in council.colleges]
    try:
        record = records.build_record(council.name, 0, draw.algorithm, inputs,
                                      utcnow().date().isoformat(), deadline)
    except (InfeasibleQuotas, GreedyDeadEnd):
        _failed(draw, "infeasible")
        return
    except TimeLimitReached:
        _failed(draw, "time_limit")
        return
    except Exception:  # an unexpected error fails the same way again: record it, do not retry
        log.exception("Computing the chances of draw %s failed", draw_id)
        db.session.rollback()
        draw = db.session.get(Draw, draw_id)
        if draw is None or draw.status != "computing":
            return
        _failed(draw, "error")
        return
    _prepared(council, draw, record)
    if draw.created_by_id:
        notify([draw.created_by_id], "council_draw.draw_computed",
               lambda: _("The chances of the candidates to %(council)s are computed: check them, "
                         "then publish the draw.", council=council.name),
               url=url_for("council_draw_staff.manage_draw", id=council.id, draw_id=draw.id))


def _failed(draw: Draw, problem: str) -> None:
    set_draw_status(draw, "fail")
    draw.problem = problem
    if problem == "infeasible":
        summary = _l("Probabilities of %(council)s could not be computed: the quotas cannot be met",
                     council=draw.council.name)
    elif problem == "time_limit":
        summary = _l("Probabilities of %(council)s could not be computed: time limit reached",
                     council=draw.council.name)
    else:
        summary = _l("Probabilities of %(council)s could not be computed: unexpected error",
                     council=draw.council.name)
    audit("council_draw.draw_failed", draw, summary=summary)
    if draw.created_by_id:
        notify([draw.created_by_id], "council_draw.draw_failed",
               lambda: _("The chances of the candidates to %(council)s could not be computed.",
                         council=draw.council.name),
               url=url_for("council_draw_staff.manage_draw", id=draw.council_id, draw_id=draw.id))


def _same_inputs(draw: Draw, council: Council) -> bool:
    """Whether pool, seats and quotas are still those the probabilities were computed for."""
    fresh = {college.key: college_input(council, college) for college in council.colleges}
    sections = draw.record.get("colleges", [])
    if set(fresh) != {s["key"] for s in sections}:
        return False
    for section in sections:
        current = fresh[section["key"]]
        problem = current.problem()
        published = records.problem_of(section)
        if (problem.seats != published.seats or problem.quotas != published.quotas
                or [(c.id, dict(c.features)) for c in problem.candidates]
                != [(c.id, dict(c.features)) for c in published.candidates]):
            return False
    return True


def publish(draw: Draw, place: str, planned_at) -> None:
    """Make the prepared record public (with its fingerprint) and freeze the pool."""
    if draw.status != "prepared":
        raise DrawRefused(_l("Only a prepared draw can be published."))
    if not _same_inputs(draw, draw.council):
        raise DrawRefused(_l("The pool, the seats or the quotas changed since the probabilities "
                             "were computed: compute them again before publishing."))
    record = dict(draw.record)
    record["draw"] = draw.id
    record["published_at"] = utcnow().isoformat(timespec="seconds")
    record.pop("fingerprint", None)
    record["fingerprint"] = records.fingerprint(record)
    draw.record = record
    draw.fingerprint = record["fingerprint"]
    set_draw_status(draw, "publish")
    draw.published_at = utcnow()
    draw.ceremony_place = place
    draw.ceremony_planned_at = planned_at
    audit("council_draw.draw_published", draw,
          summary=_l("Draw of %(council)s published", council=draw.council.name),
          fingerprint=draw.fingerprint)


def cancel(draw: Draw) -> None:
    """Cancel a draw before its ceremony (a computation still running is abandoned: the worker
    leaves a draw that is no longer computing alone)."""
    if draw.status == "done":
        raise DrawRefused(_l("A draw that took place cannot be cancelled."))
    if draw.status not in DRAW_LIFE.transition("cancel").sources:
        raise DrawRefused(_l("This draw is already cancelled or failed."))
    set_draw_status(draw, "cancel")
    audit("council_draw.draw_cancelled", draw,
          summary=_l("Draw of %(council)s cancelled", council=draw.council.name))


def pool_is_frozen(council: Council) -> bool:
    """Once a draw is published the pool may no longer change."""
    current = council.current_draw
    return current is not None and current.status in PUBLISHED


# --- The ceremony ----------------------------------------------------------------------------------


def hold_ceremony(draw: Draw, seed: str, witnesses: list[str]) -> None:
    """Draw the panels with ``seed``, record the ceremony, create members and invite them."""
    if draw.status != "published":
        raise DrawRefused(_l("The draw must be published before its ceremony."))
    seed = normalise_seed(seed)
    if not seed:
        raise DrawRefused(_l("Enter the seed read out at the ceremony."))
    result = records.run_draw(draw.record, seed)
    now = utcnow()
    record = dict(draw.record)
    record["ceremony"] = {"seed": seed, "witnesses": witnesses,
                          "held_at": now.isoformat(timespec="seconds")}
    record["result"] = result
    draw.record = record
    draw.seed = seed
    draw.witnesses = witnesses
    draw.drawn_at = now
    set_draw_status(draw, "ceremony")
    colleges = {c.key: c for c in draw.council.colleges}
    by_pseudonym = {
        c.pseudonym: c for c in db.session.scalars(
            db.select(Candidate).where(Candidate.council_id == draw.council_id))
    }
    for key, outcome in result.items():
        college = colleges.get(key)
        for rank, pseudonym in enumerate(outcome["selected"], start=1):
            invite(_member(draw, college, key, by_pseudonym.get(pseudonym), pseudonym,
                           "selected", rank))
        for rank, pseudonym in enumerate(outcome["reserve"], start=1):
            _member(draw, college, key, by_pseudonym.get(pseudonym), pseudonym, "reserve", rank)
    audit("council_draw.ceremony_held", draw,
          summary=_l("Draw of %(council)s: seed entered", council=draw.council.name),
          seed=seed, witnesses=witnesses)


def _member(draw, college, key, candidate, pseudonym, role, rank) -> Member:
    """A drawn member, waiting on the college's list until invited."""
    member = Member(draw=draw, college_key=key, college_id=getattr(college, "id", None),
                    candidate_id=getattr(candidate, "id", None), pseudonym=pseudonym,
                    role=role, rank=rank, status=MEMBER_LIFE.initial)
    member.candidate = candidate
    db.session.add(member)
    return member


def invite(member: Member) -> None:
    """Invite ``member`` (waiting on the list) and e-mail them their answer link (when they gave
    an address)."""
    set_member_status(member, "invite")
    member.invited_at = utcnow()
    candidate = member.candidate
    if candidate is None or not candidate.email:
        return
    token = secrets.token_urlsafe(24)
    member.token_hash = token_hash(token)
    council = member.draw.council
    link = _absolute(url_for("council_draw.respond", token=token))
    send_mail(
        candidate.email,
        _l("You have been drawn for “%(council)s”", council=council.name),
        "council_draw/mail/invitation",
        name=candidate.full_name, council=council, college=member.college, link=link,
        replacement=member.replaces_id is not None,
    )


def _absolute(path: str) -> str:
    base = current_app.config.get("PUBLIC_URL") or ""
    if base:
        return base.rstrip("/") + path
    return url_for("pages.home", _external=True).rstrip("/") + path


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def member_for_token(token: str) -> Member | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(db.select(Member).where(Member.token_hash == token_hash(token)))


def respond(member: Member, accept: bool, name_shown: str = "initials") -> None:
    """The member's answer: accepted (named on the public page as they chose) or declined."""
    if member.status != "invited":
        raise DrawRefused(_l("This invitation has already been answered."))
    set_member_status(member, "accept" if accept else "decline")
    member.responded_at = utcnow()
    candidate = member.candidate
    if accept and candidate is not None:
        member.public_name = candidate.full_name if name_shown == "full" else candidate.initials
    if accept:
        _join_body(member)


def council_body(council: Council):
    """The council as a body of the core's "bodies and meetings" service (created when
    missing): its members, meetings and minutes."""
    if council.body is None:
        council.body = ensure_body("council_draw", f"council-{council.id}", council.name,
                                   council.description)
    return council.body


def _join_body(member: Member) -> None:
    """A member who accepted sits on the council's body, named as they chose, until the end of
    the term (or until they withdraw)."""
    council = member.draw.council
    college = member.college
    kind = "local_actor" if college is not None and college.kind == "local_actors" else "resident"
    joined = add_member(council_body(council), member.public_name or member.pseudonym,
                        kind, college.name if college else "",
                        since=max(utcnow().date(), council.term_start))
    joined.until = council.term_end
    member.body_member = joined


# --- Replacements ----------------------------------------------------------------------------------


@dataclass
class Replacement:
    """Who would take a seat, and the quotas that would no longer hold (empty when all do)."""

    vacant: Member
    candidate: Member | None
    broken: list[str]


def _section(draw: Draw, key: str) -> dict:
    return next(s for s in draw.record["colleges"] if s["key"] == key)


def _completable(problem: Problem, panel: list[str], reserves: list[str]) -> bool:
    """Whether ``panel`` can still be completed, from ``reserves``, into a panel that keeps
    every quota."""
    counts = problem.counts_by_value(panel)
    quotas = []
    for quota in problem.quotas:
        have = counts[(quota.feature, quota.value)]
        if have > quota.maximum:
            return False
        quotas.append(PoolQuota(quota.feature, quota.value, max(0, quota.minimum - have),
                                quota.maximum - have))
    seats = problem.seats - len(panel)
    if seats < 0:
        return False
    rest = [c for c in problem.candidates if c.id in set(reserves)]
    return diagnose(Problem(seats, rest, quotas)) is None


def replacement_for(vacant: Member) -> Replacement:
    """The first person on the reserve list whose arrival keeps every quota within reach; when
    nobody does, the next on the list and the quotas that would no longer hold.

    For a free seat only (:func:`replacement_refusal` says when there is none)."""
    draw = vacant.draw
    problem = records.problem_of(_section(draw, vacant.college_key))
    same_college = [m for m in draw.members if m.college_key == vacant.college_key]
    panel = [m.pseudonym for m in same_college if m.holds_seat]
    waiting = sorted((m for m in same_college if m.status == "reserve"), key=lambda m: m.rank)
    names = [m.pseudonym for m in waiting]
    for index, reserve in enumerate(waiting):
        if _completable(problem, panel + [reserve.pseudonym], names[index + 1:]):
            return Replacement(vacant, reserve, [])
    if not waiting:
        return Replacement(vacant, None, [])
    first = waiting[0]
    trial = Problem(problem.seats - len(panel) - 1,
                    [c for c in problem.candidates if c.id in set(names[1:])],
                    _remaining_quotas(problem, panel + [first.pseudonym]))
    found = diagnose(trial)
    broken = [quota_label(draw.council, r.quota) for r in found.relaxations] if found else []
    if not broken:
        broken = [quota_label(draw.council, q) for q, _count in
                  problem.panel_violations(panel + [first.pseudonym])]
    return Replacement(vacant, first, broken)


def _remaining_quotas(problem: Problem, panel: list[str]) -> list[PoolQuota]:
    counts = problem.counts_by_value(panel)
    return [PoolQuota(q.feature, q.value, max(0, q.minimum - counts[(q.feature, q.value)]),
                      max(0, q.maximum - counts[(q.feature, q.value)]))
            for q in problem.quotas]


def replacement_refusal(member: Member):
    """Why the reserve list cannot be called in for ``member``'s seat now, as staff read it
    (``None`` when it can): only a seat left by someone who declined or withdrew, and not
    filled yet, is free."""
    if member.status == "invited":
        return _l("%(pseudonym)s is invited and has not answered yet: their seat is not free. "
                  "Record their answer, or their withdrawal, first.", pseudonym=member.pseudonym)
    if member.status == "accepted":
        return _l("%(pseudonym)s holds their seat: record their withdrawal first.",
                  pseudonym=member.pseudonym)
    if member.status not in VACATED:
        return _l("%(pseudonym)s is on the reserve list: they hold no seat to give to someone "
                  "else.", pseudonym=member.pseudonym)
    if any(m.replaces_id == member.id for m in member.draw.members):
        return _l("This member has already been replaced.")
    seats = int(_section(member.draw, member.college_key)["seats"])
    if sum(1 for m in member.draw.members
           if m.college_key == member.college_key and m.holds_seat) >= seats:
        return _l("Every seat of this college is taken: there is no seat to fill.")
    return None


def replace(vacant: Member, force: bool = False) -> Member:
    """Call in the reserve for a seat left by a member who declined or withdrew."""
    refusal = replacement_refusal(vacant)
    if refusal is not None:
        raise DrawRefused(refusal)
    proposal = replacement_for(vacant)
    if proposal.candidate is None:
        raise DrawRefused(_l("The reserve list of this college is empty."))
    if proposal.broken and not force:
        raise DrawRefused(_l("No one on the reserve list keeps every quota."))
    newcomer = proposal.candidate
    newcomer.replaces_id = vacant.id
    newcomer.replaces = vacant
    invite(newcomer)
    audit("council_draw.member_replaced", newcomer,
          summary=_l("%(vacant)s replaced by %(replacement)s (reserve rank %(rank)s)",
                     vacant=vacant.pseudonym, replacement=newcomer.pseudonym, rank=newcomer.rank),
          vacant=vacant.pseudonym, replacement=newcomer.pseudonym, quotas_broken=proposal.broken)
    return newcomer


def withdraw(member: Member) -> None:
    """Staff record that a member left the council (or declined by other means)."""
    if member.status not in SEATED:
        raise DrawRefused(_l("Only a member who holds a seat can withdraw."))
    set_member_status(member, "withdraw" if member.status == "accepted" else "decline")
    member.responded_at = utcnow()
    member.public_name = None
    if member.body_member is not None:
        # Their last day was yesterday: the council's page no longer lists them from today.
        end_membership(member.body_member, utcnow().date() - timedelta(days=1))
    audit("council_draw.member_withdrawn", member,
          summary=_l("%(member)s left the council", member=member.pseudonym))


def record_answer(member: Member, accept: bool) -> None:
    """Staff record the answer of a member without an e-mail address (paper, phone)."""
    respond(member, accept, "initials")
    audit("council_draw.answer_recorded", member,
          summary=_l("Answer of %(member)s recorded by staff", member=member.pseudonym),
          accepted=accept)
