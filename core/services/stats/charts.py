"""Bars for the charts people read: proportional lengths, and each value written as the page
writes numbers.

:func:`chart_bars` turns a series into :class:`Bar` objects that ``core/charts.html``'s
``bar_chart`` macro draws: each bar's length is an SVG attribute (the Content-Security-Policy
forbids style attributes), a share of the chart's maximum (100 for percentages) or of the longest
bar, so 40 %, 40 % and 20 % are drawn 2, 2 and 1 long; the value is written beside it, and the same figures fill the table below the chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Number

from flask_babel import format_decimal


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, its length (0 to 100, of the longest bar), the value as
    written, and an optional note under it."""

    label: str
    value: float
    length: float
    text: str
    note: str = ""


def chart_bars(series, unit: str = "", maximum: float | None = None) -> list[Bar]:
    """The bars of ``series``: ``(label, value)``, ``(label, value, text)`` or ``(label, value,
    text, note)`` items, where ``text`` is the value as it must be written (a percentage, an
    amount in euros); by default the value in the reader's language, followed by ``unit``.

    Lengths are shares of ``maximum`` when given (100 for percentages, so that 40 % is drawn
    40 % long), else of the largest value."""
    rows = [tuple(item) for item in series]
    values = [float(row[1] or 0) for row in rows]
    longest = maximum or max((abs(value) for value in values), default=0) or 1
    bars = []
    for row, value in zip(rows, values):
        text = row[2] if len(row) > 2 and row[2] is not None else _written(row[1], unit)
        note = row[3] if len(row) > 3 else ""
        bars.append(Bar(str(row[0]), value, round(100 * abs(value) / longest, 2), str(text), str(note or "")))
    return bars


def _written(value, unit: str) -> str:
    number = format_decimal(value) if isinstance(value, Number) else str(value or 0)
    return f"{number}\u00a0{unit}" if unit else number
