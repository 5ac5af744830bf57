"""The indicators computed from a year's aggregates (see ``mapping.py``).

Each indicator is a small formula on the aggregates, the population and the outstanding debt;
it returns ``None`` when it cannot be computed (no population, nil savings...). The legal
ratios are those of article R2313-1 of the Code général des collectivités territoriales that
communes of 10,000 inhabitants and more publish with their budget and accounts (ratios 1 to 7
and 9 to 11; ratio 8, the fiscal potential, needs figures the accounts do not contain).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask_babel import lazy_gettext as _l

PER_INHABITANT = "per_inhabitant"
PERCENT = "percent"
EUROS = "euros"
YEARS = "years"

# Debt-repayment capacity (years of gross savings to repay the whole debt): usual thresholds.
DEBT_CAPACITY_WATCH = 8.0
DEBT_CAPACITY_ALERT = 12.0


@dataclass(frozen=True)
class Figures:
    """What the formulas read: the aggregates of a year, its population and its debt."""

    aggregates: dict[str, float]
    population: int
    outstanding_debt: float | None = None

    def __getitem__(self, name: str) -> float:
        return self.aggregates.get(name, 0.0)


def _per_inhabitant(value: float | None, figures: Figures) -> float | None:
    if value is None or not figures.population:
        return None
    return round(value / figures.population, 2)


def _ratio(numerator: float | None, denominator: float) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(100 * numerator / denominator, 2)


def gross_savings(f: Figures) -> float:
    """Épargne brute: real operating revenue minus real operating expenditure."""
    return round(f["operating_revenue"] - f["operating_expenditure"], 2)


def net_savings(f: Figures) -> float:
    """Épargne nette: gross savings minus the repayment of the loans' capital."""
    return round(gross_savings(f) - f["debt_repayment"], 2)


def savings_rate(f: Figures) -> float | None:
    """Taux d'épargne brute: gross savings over real operating revenue, in percent."""
    return _ratio(gross_savings(f), f["operating_revenue"])


def debt_capacity(f: Figures) -> float | None:
    """Capacité de désendettement: outstanding debt over gross savings, in years."""
    savings = gross_savings(f)
    if f.outstanding_debt is None or savings <= 0:
        return None
    return round(f.outstanding_debt / savings, 2)


def debt_capacity_level(years: float | None) -> str:
    """``good`` below 8 years, ``watch`` from 8 to 12, ``alert`` above 12 or when savings are nil."""
    if years is None:
        return "alert"
    if years < DEBT_CAPACITY_WATCH:
        return "good"
    if years <= DEBT_CAPACITY_ALERT:
        return "watch"
    return "alert"


@dataclass(frozen=True)
class Indicator:
    """An indicator: its key (used in URLs and open data), its formula and its explanation."""

    key: str
    label: Any
    unit: str
    formula: Callable[[Figures], float | None]
    explanation: Any
    computation: Any
    legal_ratio: int | None = None


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "operating_expenditure_per_inhabitant", _l("Operating expenditure per inhabitant"), PER_INHABITANT,
        lambda f: _per_inhabitant(f["operating_expenditure"], f),
        _l("What the city spends each year to run its services (staff, energy, supplies, grants to "
           "associations, interest), for each inhabitant."),
        _l("Real operating expenditure divided by the population."), legal_ratio=1),
    Indicator(
        "direct_taxes_per_inhabitant", _l("Direct tax revenue per inhabitant"), PER_INHABITANT,
        lambda f: _per_inhabitant(f["direct_taxes"], f),
        _l("What the local taxes on property bring in, for each inhabitant."),
        _l("Direct tax revenue (account 7311) divided by the population."), legal_ratio=2),
    Indicator(
        "operating_revenue_per_inhabitant", _l("Operating revenue per inhabitant"), PER_INHABITANT,
        lambda f: _per_inhabitant(f["operating_revenue"], f),
        _l("The city's regular income (taxes, State grants, fees for services), for each inhabitant."),
        _l("Real operating revenue, without asset sales, divided by the population."), legal_ratio=3),
    Indicator(
        "capital_expenditure_per_inhabitant", _l("Capital expenditure per inhabitant"), PER_INHABITANT,
        lambda f: _per_inhabitant(f["capital_expenditure"], f),
        _l("What the city invests in buildings, roads, equipment and studies, for each inhabitant."),
        _l("Gross capital expenditure (accounts 20 except 204, 21 and 23) divided by the population."),
        legal_ratio=4),
    Indicator(
        "debt_per_inhabitant", _l("Outstanding debt per inhabitant"), PER_INHABITANT,
        lambda f: _per_inhabitant(f.outstanding_debt, f),
        _l("What the city still owes its lenders at the end of the year, for each inhabitant."),
        _l("Outstanding debt on 31 December divided by the population."), legal_ratio=5),
    Indicator(
        "dgf_per_inhabitant", _l("State operating grant (DGF) per inhabitant"), PER_INHABITANT,
        lambda f: _per_inhabitant(f["dgf"], f),
        _l("The main grant the State pays the city each year, for each inhabitant."),
        _l("The dotation globale de fonctionnement (account 741) divided by the population."),
        legal_ratio=6),
    Indicator(
        "staff_costs_ratio", _l("Staff costs in operating expenditure"), PERCENT,
        lambda f: _ratio(f["staff_costs"], f["operating_expenditure"]),
        _l("The share of the running costs that pays the city's staff."),
        _l("Staff costs (chapter 012) divided by real operating expenditure."), legal_ratio=7),
    Indicator(
        "rigidity_ratio", _l("Expenditure and debt repayment over operating revenue"), PERCENT,
        lambda f: _ratio(f["operating_expenditure"] + f["debt_repayment"], f["operating_revenue"]),
        _l("How much of the regular income goes to running costs and to repaying loans: above "
           "100%, the city cannot pay them from its regular income."),
        _l("Real operating expenditure plus the repayment of the loans' capital, divided by real "
           "operating revenue."), legal_ratio=9),
    Indicator(
        "capital_expenditure_ratio", _l("Capital expenditure over operating revenue"), PERCENT,
        lambda f: _ratio(f["capital_expenditure"], f["operating_revenue"]),
        _l("The effort of investment compared with the city's regular income."),
        _l("Gross capital expenditure divided by real operating revenue."), legal_ratio=10),
    Indicator(
        "debt_ratio", _l("Outstanding debt over operating revenue"), PERCENT,
        lambda f: _ratio(f.outstanding_debt, f["operating_revenue"]),
        _l("The debt compared with one year of regular income."),
        _l("Outstanding debt on 31 December divided by real operating revenue."), legal_ratio=11),
    Indicator(
        "gross_savings", _l("Gross savings"), EUROS, gross_savings,
        _l("What is left of the regular income once the running costs are paid: it repays the "
           "loans and finances investment."),
        _l("Real operating revenue minus real operating expenditure.")),
    Indicator(
        "net_savings", _l("Net savings"), EUROS, net_savings,
        _l("What is left once the loans' capital is repaid too: the city's own money for "
           "investment. Negative, it means borrowing or drawing on reserves."),
        _l("Gross savings minus the repayment of the loans' capital.")),
    Indicator(
        "savings_rate", _l("Savings rate"), PERCENT, savings_rate,
        _l("The share of the regular income that is saved. Below 7 or 8%, the margin is usually "
           "considered thin."),
        _l("Gross savings divided by real operating revenue.")),
    Indicator(
        "debt_capacity", _l("Debt-repayment capacity"), YEARS, debt_capacity,
        _l("How many years the city would need to repay all its debt if it spent all its gross "
           "savings on it. Below 8 years is comfortable, from 8 to 12 calls for vigilance, above "
           "12 years is the alert threshold set by law for communes."),
        _l("Outstanding debt on 31 December divided by gross savings.")),
)

BY_KEY = {indicator.key: indicator for indicator in INDICATORS}


def compute(figures: Figures) -> dict[str, float | None]:
    """Every indicator's value for one year."""
    return {indicator.key: indicator.formula(figures) for indicator in INDICATORS}
