"""The geometry of a server-rendered SVG bar chart."""

from __future__ import annotations


def chart_geometry(series, height: int = 160, bar_gap: int = 6):
    """Bars for an SVG chart: ``(x, y, width, bar height, label, value)`` in viewBox units."""
    values = [value for _, value in series]
    top = max(values) if values and max(values) > 0 else 1
    count = max(len(series), 1)
    width = 600 / count
    bars = []
    for index, (label, value) in enumerate(series):
        bar_height = round(height * (value / top), 1)
        bars.append((round(index * width + bar_gap / 2, 1), round(height - bar_height, 1),
                     round(width - bar_gap, 1), bar_height, label, value))
    return bars
