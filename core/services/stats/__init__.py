"""Core service: public statistics, every enabled plugin's figures on one page, ``/stats``.

A plugin contributes :class:`core.declarations.Statistic` objects through the
``public_statistics`` hook; a figure with a ``series`` is drawn as a bar chart (SVG, no
JavaScript) followed by the same numbers in a table. :func:`count_by_month` helps build series.
"""

from core.hookspecs import hookimpl

from .charts import Bar, chart_bars
from .counting import count_by_month, month_starts

__all__ = ["Bar", "chart_bars", "count_by_month", "month_starts"]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def template_variables():
    return {"chart_bars": chart_bars}
