"""Reading the imported accounts: the years, their aggregates and indicators, their trends."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.database import db

from .indicators import Figures, compute
from .mapping import aggregate_totals, spending_by_function
from .models import Comparison, FinanceYear


def years() -> list[FinanceYear]:
    """Every imported year, oldest first."""
    return list(db.session.scalars(select(FinanceYear).order_by(FinanceYear.year)))


def figures_of(finance_year: FinanceYear) -> Figures:
    debt = finance_year.outstanding_debt
    return Figures(aggregate_totals(finance_year.lines), finance_year.population,
                   float(debt) if debt is not None else None)


def table() -> list[tuple[FinanceYear, dict[str, float | None]]]:
    """Each year with every indicator's value (every year's lines read in one query)."""
    rows = db.session.scalars(
        select(FinanceYear).options(selectinload(FinanceYear.lines)).order_by(FinanceYear.year)
    )
    return [(year, compute(figures_of(year))) for year in rows]


def latest_row() -> tuple[FinanceYear, dict[str, float | None]] | None:
    """The latest year with every indicator's value (only that year's lines are read)."""
    latest = db.session.scalar(select(FinanceYear).order_by(FinanceYear.year.desc()).limit(1))
    return (latest, compute(figures_of(latest))) if latest is not None else None


def comparisons() -> dict[tuple[int, str], Comparison]:
    return {(c.year, c.indicator): c for c in db.session.scalars(select(Comparison))}


def series(key: str, rows=None) -> list[tuple[int, float | None]]:
    """One indicator's values, year by year."""
    rows = table() if rows is None else rows
    return [(year.year, values[key]) for year, values in rows]


def hundred_euros(finance_year: FinanceYear) -> list[tuple[str, float]]:
    """Where a hundred euros of spending go, by function, largest share first."""
    totals = spending_by_function(finance_year.lines)
    grand = sum(totals.values())
    if grand <= 0:
        return []
    shares = [(key, round(100 * value / grand, 1)) for key, value in totals.items() if value > 0]
    return sorted(shares, key=lambda pair: -pair[1])
