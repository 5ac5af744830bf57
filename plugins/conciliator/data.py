"""The mediation office's data for others: a person's export and erasure, the yearly report,
open data and statistics (the hooks below, which the core registers from this room).

The yearly report and open data hold only safe aggregates: no subject, no text, no person; any
group smaller than the anonymity threshold is merged with others so that no one can be
recognised, and a year with fewer cases than the threshold shows its total only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from statistics import median

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, select

from core.database import db, utcnow
from core.declarations import Dataset, PersonalData, Statistic
from core.hookspecs import hookimpl
from core.taxonomy import Category

from .models import Case, CaseMessage, Invitation, Service
from .workflow import OUTCOME_LABELS

PLUGIN = "conciliator"


def _threshold() -> int:
    from core.settings import get_setting

    return int(get_setting(PLUGIN, "anonymity_threshold"))


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return (datetime(year, 1, 1, tzinfo=timezone.utc), datetime(year + 1, 1, 1, tzinfo=timezone.utc))


def report_years() -> list[int]:
    """The years with at least one case, and the current one, newest first."""
    years = {row for row in db.session.scalars(select(extract("year", Case.created_at)).distinct())}
    years = {int(y) for y in years if y is not None}
    years.add(utcnow().year)
    return sorted(years, reverse=True)


def merge_small(counts: dict[str, int], threshold: int, other: str) -> list[tuple[str, int]]:
    """Groups of at least ``threshold`` cases, the rest merged into ``other``.

    When the merged group is itself smaller than the threshold, the smallest remaining groups
    join it until it is large enough (or everything is merged), so that no figure below the
    threshold is ever shown, nor can be deduced from the total.
    """
    kept = {k: v for k, v in counts.items() if v >= threshold}
    merged = sum(v for k, v in counts.items() if k not in kept and v > 0)
    while 0 < merged < threshold and kept:
        smallest = min(kept, key=lambda k: (kept[k], k))
        merged += kept.pop(smallest)
    rows = sorted(kept.items(), key=lambda kv: (-kv[1], kv[0]))
    if merged:
        rows.append((other, merged))
    return rows


@dataclass
class YearlyReport:
    """The anonymous figures of a year of mediation."""

    year: int
    threshold: int
    received: int
    published: bool
    decided: int = 0
    admissible: int = 0
    closed: int = 0
    median_days_to_close: float | None = None
    by_service: list[tuple[str, int]] = field(default_factory=list)
    by_domain: list[tuple[str, int]] = field(default_factory=list)
    outcomes: list[tuple[str, int]] = field(default_factory=list)

    @property
    def admissibility_rate(self) -> int | None:
        return round(100 * self.admissible / self.decided) if self.decided else None

    def rows(self) -> list[tuple[str, str, object]]:
        """The report as (section, item, value) rows, for the CSV export."""
        general = _("Overview")
        rows = [(general, _("Cases received"), self.received)]
        if not self.published:
            return rows
        rows += [
            (general, _("Admissibility decisions"), self.decided),
            (general, _("Admissibility rate (%)"), self.admissibility_rate if self.admissibility_rate is not None else ""),
            (general, _("Cases closed"), self.closed),
            (general, _("Median time to close (days)"), self.median_days_to_close if self.median_days_to_close is not None else ""),
        ]
        rows += [(_("By service"), label, count) for label, count in self.by_service]
        rows += [(_("By domain"), label, count) for label, count in self.by_domain]
        rows += [(_("Outcomes"), label, count) for label, count in self.outcomes]
        return rows


def yearly_report(year: int) -> YearlyReport:
    """The figures of the cases received during ``year`` (one query)."""
    start, end = _year_bounds(year)
    rows = db.session.execute(
        select(Case.state, Case.outcome, Case.created_at, Case.closed_at, Service.name, Category.name)
        .outerjoin(Service, Service.id == Case.service_id)
        .outerjoin(Category, Category.id == Case.category_id)
        .where(Case.created_at >= start, Case.created_at < end)
    ).all()
    threshold = _threshold()
    report = YearlyReport(year=year, threshold=threshold, received=len(rows),
                          published=len(rows) >= threshold)
    if not report.published:
        return report
    services: dict[str, int] = {}
    domains: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    durations = []
    for state, outcome, created, closed, service, domain in rows:
        services[service or _("Not specified")] = services.get(service or _("Not specified"), 0) + 1
        domains[domain or _("Not specified")] = domains.get(domain or _("Not specified"), 0) + 1
        if state in ("admissible", "in_progress") or (state == "closed" and outcome != "withdrawn"):
            report.admissible += 1
            report.decided += 1
        elif state == "inadmissible":
            report.decided += 1
        if state == "closed" and closed is not None:
            report.closed += 1
            label = str(OUTCOME_LABELS.get(outcome, outcome))
            outcomes[label] = outcomes.get(label, 0) + 1
            durations.append((closed - created).total_seconds() / 86400)
    report.median_days_to_close = round(median(durations), 1) if len(durations) >= threshold else None
    report.by_service = merge_small(services, threshold, _("Other services"))
    report.by_domain = merge_small(domains, threshold, _("Other domains"))
    report.outcomes = merge_small(outcomes, threshold, _("Other outcomes"))
    return report


# --- Open data and statistics ---------------------------------------------------------------------


def _yearly_rows():
    for year in sorted(report_years()):
        report = yearly_report(year)
        yield {
            "year": year,
            "received": report.received,
            "admissibility_rate": report.admissibility_rate if report.published else None,
            "closed": report.closed if report.published else None,
            "median_days_to_close": report.median_days_to_close,
        }


def _service_rows():
    for year in sorted(report_years()):
        for service, count in yearly_report(year).by_service:
            yield {"year": year, "service": service, "cases": count}


@hookimpl
def open_data_datasets() -> list[Dataset]:
    return [
        Dataset("mediation_yearly", _l("Municipal mediation: yearly figures"),
                _l("Cases received by the municipal mediator each year, admissibility rate, cases "
                   "closed and median time to close. Figures for fewer cases than the anonymity "
                   "threshold are not published."),
                ("year", "received", "admissibility_rate", "closed", "median_days_to_close"),
                _yearly_rows),
        Dataset("mediation_services", _l("Municipal mediation: cases per service"),
                _l("Cases received each year per municipal service; small groups are merged so "
                   "that no one can be recognised."),
                ("year", "service", "cases"), _service_rows),
    ]


@hookimpl
def public_statistics() -> list[Statistic]:
    years = sorted(report_years())[-5:]
    series = tuple((str(year), yearly_report(year).received) for year in years)
    return [Statistic("conciliator.cases", _l("Mediation cases received this year"),
                      series[-1][1] if series else 0, series=series)]


# --- Personal data ------------------------------------------------------------------------------


@hookimpl
def export_user_data(user):
    cases = db.session.scalars(select(Case).where(Case.author_id == user.id).order_by(Case.id)).all()
    if not cases:
        return None
    exported = []
    for case in cases:
        messages = db.session.scalars(
            select(CaseMessage).where(CaseMessage.case_id == case.id, CaseMessage.kind == "message")
            .order_by(CaseMessage.id))
        exported.append({
            "reference": case.reference, "subject": case.title, "description": case.body,
            "service": case.service.name if case.service else None,
            "prior_steps": case.prior_steps, "hoped_outcome": case.hoped_outcome,
            "status": case.state, "outcome": case.outcome, "received_at": case.created_at.isoformat(),
            "messages": [{"mine": m.author_id == user.id, "at": m.created_at.isoformat(), "text": m.body}
                         for m in messages],
        })
    return {"mediation_cases": exported}


@hookimpl
def erase_user_data(user):
    """A resident who deletes their account: their cases are anonymised (the figures remain)."""
    from .rules import anonymise

    for case in db.session.scalars(select(Case).where(Case.author_id == user.id)).all():
        anonymise(case)
    db.session.execute(db.update(Invitation).where(Invitation.asked_by_id == user.id)
                       .values(asked_by_id=None))


@hookimpl
def personal_data():
    return [PersonalData(
        _l("Your mediation cases: what you wrote, the documents you added, the exchanges with the "
           "mediator"),
        _l("Handling your dispute with a municipal service, in confidence (only the mediators read it)"),
        lambda: _l("%(years)s years after the case is closed, then erased or anonymised",
                   years=_retention_years()), order=50)]


def _retention_years() -> int:
    from core.settings import get_setting

    return int(get_setting(PLUGIN, "retention_years"))
