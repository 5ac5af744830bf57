"""Each formula on hand-computed figures: the sample file ``samples/simple.csv`` (population
100,000, outstanding debt 36,000,000 €).

Real operating expenditure: 10 + 30 + 5 + 1 = 46 M€ (the 4 M€ of depreciation is an order
operation). Real operating revenue: 25 + 15 + 8 + 4 = 52 M€ (the 2 M€ sale, account 775, is
left out). Capital expenditure: 9 + 6 = 15 M€ (204 left out). Repayment: 3 M€.
"""

import pytest

from plugins.finance_commission.importer import parse
from plugins.finance_commission.indicators import Figures, compute, debt_capacity_level
from plugins.finance_commission.mapping import aggregate_totals


@pytest.fixture
def figures(sample):
    parsed = parse(sample("simple.csv"), 2024)
    assert parsed.errors == []
    return Figures(aggregate_totals(parsed.lines), 100_000, 36_000_000.0)


def test_the_mapping_builds_each_aggregate(figures):
    assert figures.aggregates == {
        "operating_expenditure": 46_000_000.0, "operating_revenue": 52_000_000.0,
        "direct_taxes": 25_000_000.0, "dgf": 15_000_000.0, "staff_costs": 30_000_000.0,
        "interest": 1_000_000.0, "capital_expenditure": 15_000_000.0,
        "debt_repayment": 3_000_000.0, "new_borrowing": 5_000_000.0,
    }


@pytest.mark.parametrize("key, expected", [
    ("operating_expenditure_per_inhabitant", 460.00),   # 46 M€ / 100,000
    ("direct_taxes_per_inhabitant", 250.00),            # 25 M€ / 100,000
    ("operating_revenue_per_inhabitant", 520.00),       # 52 M€ / 100,000
    ("capital_expenditure_per_inhabitant", 150.00),     # 15 M€ / 100,000
    ("debt_per_inhabitant", 360.00),                    # 36 M€ / 100,000
    ("dgf_per_inhabitant", 150.00),                     # 15 M€ / 100,000
    ("staff_costs_ratio", 65.22),                       # 30 / 46
    ("rigidity_ratio", 94.23),                          # (46 + 3) / 52
    ("capital_expenditure_ratio", 28.85),               # 15 / 52
    ("debt_ratio", 69.23),                              # 36 / 52
    ("gross_savings", 6_000_000.00),                    # 52 - 46
    ("net_savings", 3_000_000.00),                      # 6 - 3
    ("savings_rate", 11.54),                            # 6 / 52
    ("debt_capacity", 6.00),                            # 36 / 6
])
def test_each_indicator_on_hand_computed_figures(figures, key, expected):
    assert compute(figures)[key] == pytest.approx(expected)


def test_without_savings_or_population_the_ratios_are_not_computable():
    figures = Figures({"operating_revenue": 10.0, "operating_expenditure": 12.0}, 0, 50.0)
    values = compute(figures)
    assert values["debt_capacity"] is None and values["operating_expenditure_per_inhabitant"] is None
    assert values["gross_savings"] == -2.0


@pytest.mark.parametrize("years, level", [(6.0, "good"), (8.0, "watch"), (12.0, "watch"), (12.5, "alert"),
                                          (None, "alert")])
def test_debt_capacity_thresholds(years, level):
    assert debt_capacity_level(years) == level
