"""The account-to-aggregate mapping: which lines of the accounts make each aggregate.

This table is the only place where account numbers meet the indicators. Each aggregate is a
sum of the **real** operations (not the order operations, which move no money) of one section
("F" operating, "I" investment) and one direction ("D" expenditure, "R" revenue), over the
accounts whose number starts with one of ``include`` and with none of ``exclude``. An empty
``include`` takes every account of the section and direction. Account numbers are those of the
M57 nomenclature; the M14 numbers of these aggregates are the same prefixes, so M14 files are
accepted as they are.

| aggregate | section, direction | accounts | meaning |
|---|---|---|---|
| ``operating_expenditure`` | F, D | all | real operating expenditure (DRF) |
| ``operating_revenue`` | F, R | all but 775 | real operating revenue (RRF), without the proceeds of asset sales (775), which are exceptional |
| ``direct_taxes`` | F, R | 7311 | direct tax revenue (property taxes; "contributions directes") |
| ``dgf`` | F, R | 741 | the State's general operating grant (dotation globale de fonctionnement) |
| ``staff_costs`` | F, D | 621, 631, 633, 64 | staff costs (chapter 012) |
| ``interest`` | F, D | 66111 | interest on loans |
| ``capital_expenditure`` | I, D | 20 (not 204), 21, 23 | gross capital expenditure ("dépenses d'équipement brut") |
| ``debt_repayment`` | I, D | 16 (not 166, 16449) | repayment of the loans' capital, without refinancing (166) and credit lines (16449) |
| ``new_borrowing`` | I, R | 16 (not 166, 16449) | new loans |
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Aggregate:
    """A sum of real operations over a set of accounts of one section and direction."""

    name: str
    section: str
    direction: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def matches(self, section: str, direction: str, account: str) -> bool:
        if section != self.section or direction != self.direction:
            return False
        if self.include and not account.startswith(self.include):
            return False
        return not (self.exclude and account.startswith(self.exclude))


AGGREGATES: tuple[Aggregate, ...] = (
    Aggregate("operating_expenditure", "F", "D"),
    Aggregate("operating_revenue", "F", "R", exclude=("775",)),
    Aggregate("direct_taxes", "F", "R", include=("7311",)),
    Aggregate("dgf", "F", "R", include=("741",)),
    Aggregate("staff_costs", "F", "D", include=("621", "631", "633", "64")),
    Aggregate("interest", "F", "D", include=("66111",)),
    Aggregate("capital_expenditure", "I", "D", include=("20", "21", "23"), exclude=("204",)),
    Aggregate("debt_repayment", "I", "D", include=("16",), exclude=("166", "16449")),
    Aggregate("new_borrowing", "I", "R", include=("16",), exclude=("166", "16449")),
)

# The first digit of the function (M57 functional presentation), for "where 100 euros go".
FUNCTIONS: dict[str, str] = {
    "0": "general_services",
    "1": "security",
    "2": "education",
    "3": "culture_sport_youth",
    "4": "health_social",
    "5": "planning_housing",
    "6": "economy",
    "7": "environment",
    "8": "transport",
    "9": "european_funds",
}


def aggregate_totals(lines) -> dict[str, float]:
    """Sum ``lines`` (objects or dicts with section, direction, is_real, account, amount)
    into every aggregate of :data:`AGGREGATES`, in euros."""
    totals = {aggregate.name: 0.0 for aggregate in AGGREGATES}
    for line in lines:
        get = line.get if isinstance(line, dict) else lambda key, line=line: getattr(line, key)
        if not get("is_real"):
            continue
        for aggregate in AGGREGATES:
            if aggregate.matches(get("section"), get("direction"), str(get("account"))):
                totals[aggregate.name] += float(get("amount"))
    return {name: round(value, 2) for name, value in totals.items()}


def spending_by_function(lines) -> dict[str, float]:
    """Real expenditure of both sections by function (first digit), without the repayment of
    loans; lines without a function are under ``""``."""
    repayment = next(a for a in AGGREGATES if a.name == "debt_repayment")
    totals: dict[str, float] = {}
    for line in lines:
        if not line.is_real or line.direction != "D":
            continue
        if repayment.matches(line.section, line.direction, line.account) or line.account.startswith("166"):
            continue
        key = FUNCTIONS.get((line.function or "")[:1], "")
        totals[key] = totals.get(key, 0.0) + float(line.amount)
    return totals
