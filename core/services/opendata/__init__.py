"""Core service: open data, every enabled plugin's public datasets, listed with their licence and served as
CSV and JSON at ``/open-data``.

A plugin contributes datasets through the ``open_data_datasets`` hook
(:class:`core.declarations.Dataset`); rows must never hold personal data. The licence is the
site's (Etalab Licence Ouverte 2.0 by default) unless a dataset names its own.
"""

from core.hookspecs import hookimpl

from .catalogue import datasets, licence_of, spreadsheet_safe

__all__ = ["datasets", "licence_of", "spreadsheet_safe"]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]
