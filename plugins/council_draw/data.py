"""Personal data (export, erasure, retention), open data and public statistics (the hooks
below, which the core registers from this room).

Candidates' personal data is erased when the retention period after the council's term has
passed (the ``council_draw.erase_expired`` job, daily): candidate rows are deleted, members keep
only their pseudonym, and the public record of the draw (pseudonyms, quotas, probabilities,
seed) stays — it never held personal data.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from core.services.audit import record as audit
from core.database import db, utcnow
from core.declarations import Dataset, PersonalData, Statistic
from core.hookspecs import hookimpl
from core.pagecache import expire_visitor_pages
from core.settings import get_setting

from .draws import set_member_status
from .models import Candidate, Council, Draw, Member


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(day.day, days))


def erasure_date(council: Council) -> date:
    """The day the candidates' personal data goes: the term's end plus the retention period."""
    return add_months(council.term_end, int(get_setting("council_draw", "retention_months")))


def erase_council(council: Council) -> int:
    """Erase the candidates of ``council`` (members keep their pseudonym). Returns how many."""
    candidates = db.session.scalars(
        db.select(Candidate).where(Candidate.council_id == council.id)).all()
    ids = [c.id for c in candidates]
    if ids:
        # The council's body keeps its history of seats, under each member's pseudonym.
        for member in db.session.scalars(db.select(Member).where(
                Member.candidate_id.in_(ids), Member.body_member_id.is_not(None))):
            member.body_member.name = member.pseudonym
        db.session.execute(
            db.update(Member).where(Member.candidate_id.in_(ids))
            .values(candidate_id=None, public_name=None, token_hash=None)
        )
        db.session.execute(
            db.update(Candidate).where(Candidate.id.in_(ids)).values(duplicate_of_id=None))
        db.session.execute(db.delete(Candidate).where(Candidate.id.in_(ids)))
    council.erased_at = utcnow()
    expire_visitor_pages()
    audit("council_draw.personal_data_erased", council,
          summary=_l("Personal data of %(count)d candidate(s) of %(council)s erased",
                     count=len(ids), council=council.name),
          candidates=len(ids))
    return len(ids)


def erase_expired(today: date | None = None) -> int:
    """Erase the personal data of every council whose retention period is over."""
    today = today or utcnow().date()
    erased = 0
    for council in db.session.scalars(db.select(Council).where(Council.erased_at.is_(None))).all():
        if erasure_date(council) < today:
            erased += erase_council(council)
    db.session.commit()
    return erased


# --- A person's own data ------------------------------------------------------------------------------


def _candidacies(user):
    return db.session.scalars(
        db.select(Candidate).where(
            (Candidate.user_id == user.id)
            | (func.lower(Candidate.email) == (user.email or "").lower())
        ).order_by(Candidate.id)
    ).all()


@hookimpl
def export_user_data(user):
    items = [
        {
            "council": c.council.name, "college": c.college.name if c.college else None,
            "pseudonym": c.pseudonym, "first_name": c.first_name, "last_name": c.last_name,
            "email": c.email, "phone": c.phone, "birth_date": c.birth_date.isoformat(),
            "address": c.address, "neighbourhood": c.neighbourhood.name if c.neighbourhood else None,
            "motivation": c.motivation, "features": c.features,
            "applied_at": c.created_at.isoformat(),
        }
        for c in _candidacies(user) if user.email or c.user_id == user.id
    ]
    return {"candidacies": items} if items else None


@hookimpl
def erase_user_data(user):
    """A person deleting their account withdraws their candidacies: their data goes; a seat
    they held is left (staff call in the reserve)."""
    for candidate in _candidacies(user):
        for member in db.session.scalars(db.select(Member).where(Member.candidate_id == candidate.id)):
            if member.holds_seat:
                set_member_status(member, "withdraw" if member.status == "accepted" else "decline")
            if member.body_member is not None:
                member.body_member.name = member.pseudonym
                if member.body_member.until is None or member.body_member.until >= utcnow().date():
                    member.body_member.until = utcnow().date() - timedelta(days=1)
            member.candidate_id = None
            member.public_name = None
            member.token_hash = None
        db.session.execute(db.update(Candidate).where(Candidate.duplicate_of_id == candidate.id)
                           .values(duplicate_of_id=None))
        db.session.delete(candidate)


# --- Open data and statistics ---------------------------------------------------------------------------


def _public_draws():
    return db.session.scalars(
        db.select(Draw).join(Council)
        .where(Draw.status == "done", Council.is_published.is_(True)).order_by(Draw.id)
    ).all()


@hookimpl
def open_data_datasets():
    def draw_rows():
        for draw in _public_draws():
            for section in draw.record.get("colleges", []):
                result = (draw.record.get("result") or {}).get(section["key"], {})
                probabilities = section.get("probabilities", {})
                selected = set(result.get("selected", []))
                reserve = {p: rank for rank, p in enumerate(result.get("reserve", []), start=1)}
                for candidate in section.get("pool", []):
                    pid = candidate["id"]
                    yield {
                        "council": draw.council.name, "draw": draw.id, "college": section["name"],
                        "algorithm": draw.algorithm, "fingerprint": draw.fingerprint,
                        "seed": draw.seed, "pseudonym": pid,
                        "features": "; ".join(f"{k}={v}" for k, v in sorted(candidate["features"].items())),
                        "probability": probabilities.get(pid),
                        "selected": pid in selected, "reserve_rank": reserve.get(pid),
                    }

    return [
        Dataset(
            name="council-draws",
            title=_l("Citizens' council draws"),
            description=_l("Each draw's anonymous record: pseudonymised candidates, the values "
                           "counted by the quotas, their selection probability, and whether they "
                           "were selected or on the reserve list."),
            columns=("council", "draw", "college", "algorithm", "fingerprint", "seed", "pseudonym",
                     "features", "probability", "selected", "reserve_rank"),
            rows=draw_rows,
        )
    ]


@hookimpl
def public_statistics():
    calls = db.session.scalar(
        db.select(func.count()).select_from(Council)
        .where(Council.is_published.is_(True), Council.call_opens_on.is_not(None))) or 0
    drawn = len({d.council_id for d in _public_draws()})
    candidates = db.session.scalar(
        db.select(func.count()).select_from(Candidate).join(Council)
        .where(Council.is_published.is_(True))) or 0
    by_value: dict[str, int] = {}
    for draw in _public_draws():
        for section in draw.record.get("colleges", []):
            for candidate in section.get("pool", []):
                for feature, value in candidate["features"].items():
                    label = f"{feature}={value}"
                    by_value[label] = by_value.get(label, 0) + 1
    return [
        Statistic(key="council_calls", label=_l("Calls for citizens' council candidates"),
                  value=calls),
        Statistic(key="council_candidates", label=_l("Citizens' council candidates"),
                  value=candidates,
                  series=tuple(sorted(by_value.items())),
                  series_label=_l("Feature of the candidates in the drawn pools")),
        Statistic(key="councils_drawn", label=_l("Citizens' councils drawn by lot"), value=drawn),
    ]


@hookimpl
def personal_data():
    return [PersonalData(
        _l("Your application to a citizens' council: name, contact details, date of birth, "
           "address, neighbourhood and the answers used by the quotas"),
        _l("Drawing the council's members by lot among the candidates, and inviting those drawn"),
        lambda: _l("Until %(months)s months after the end of the council's term, then erased "
                   "(the record of the draw keeps only pseudonyms)",
                   months=get_setting("council_draw", "retention_months")), order=40)]
