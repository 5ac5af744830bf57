"""The catalogue: every enabled plugin's datasets, their licence, and their rows as cells."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import abort, current_app

from core.declarations import Dataset
from core.plugins import collect


def datasets() -> dict[str, Dataset]:
    """Every dataset of the enabled plugins, by name."""
    return {dataset.name: dataset for dataset in collect("open_data_datasets")}


def licence_of(dataset: Dataset) -> dict[str, str]:
    config = current_app.config
    return {
        "name": dataset.licence or config["OPEN_DATA_LICENCE_NAME"],
        "url": dataset.extra.get("licence_url") or config["OPEN_DATA_LICENCE_URL"],
    }


def plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# A cell starting with one of these is read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula (a title such
    as ``=HYPERLINK(...)`` written by a resident) gets a leading apostrophe; numbers, dates and
    other values are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows(dataset: Dataset):
    for row in dataset.rows():
        yield {column: plain(row.get(column)) for column in dataset.columns}


def dataset_or_404(name: str) -> Dataset:
    dataset = datasets().get(name)
    if dataset is None:
        abort(404)
    return dataset
