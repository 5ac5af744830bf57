"""Open data: every enabled plugin's public datasets, listed with their licence and served as
CSV and JSON at ``/open-data``.

A plugin contributes datasets through the ``open_data_datasets`` hook
(:class:`core.declarations.Dataset`); rows must never hold personal data. The licence is the
site's (Etalab Licence Ouverte 2.0 by default) unless a dataset names its own.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

from flask import Blueprint, abort, current_app, render_template, stream_with_context
from flask_babel import lazy_gettext as _l

from .database import db
from .declarations import Dataset
from .hookspecs import hookimpl
from .pagecache import visitor_cache
from .plugins import collect
from .taxonomy import Category, Neighbourhood

bp = Blueprint("opendata", __name__, url_prefix="/open-data")


def datasets() -> dict[str, Dataset]:
    """Every dataset of the enabled plugins, by name."""
    return {dataset.name: dataset for dataset in collect("open_data_datasets")}


def licence_of(dataset: Dataset) -> dict[str, str]:
    config = current_app.config
    return {
        "name": dataset.licence or config["OPEN_DATA_LICENCE_NAME"],
        "url": dataset.extra.get("licence_url") or config["OPEN_DATA_LICENCE_URL"],
    }


def _plain(value):
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


def _rows(dataset: Dataset):
    for row in dataset.rows():
        yield {column: _plain(row.get(column)) for column in dataset.columns}


def _get(name: str) -> Dataset:
    dataset = datasets().get(name)
    if dataset is None:
        abort(404)
    return dataset


@bp.get("/")
@visitor_cache
def index():
    items = sorted(datasets().values(), key=lambda d: str(d.title))
    return render_template("opendata/index.html", datasets=items, licence_of=licence_of)


@bp.get("/<name>.csv")
def as_csv(name: str):
    dataset = _get(name)

    def generate():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(dataset.columns), lineterminator="\n")
        writer.writeheader()
        for row in dataset.rows():
            writer.writerow({column: _plain(spreadsheet_safe(row.get(column)))
                             for column in dataset.columns})
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    # The rows are read while the response streams: keep the request's context for it.
    response = current_app.response_class(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{dataset.name}.csv"'
    return response


@bp.get("/<name>.json")
def as_json(name: str):
    dataset = _get(name)
    body = {
        "name": dataset.name,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "licence": licence_of(dataset),
        "columns": list(dataset.columns),
        "rows": list(_rows(dataset)),
    }
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False), mimetype="application/json"
    )


# --- The core's own datasets ----------------------------------------------------------------------


@hookimpl
def open_data_datasets():
    def neighbourhoods():
        for row in db.session.scalars(db.select(Neighbourhood).order_by(Neighbourhood.position)):
            yield {"id": row.id, "name": row.name, "slug": row.slug}

    def categories():
        for row in db.session.scalars(db.select(Category).order_by(Category.position)):
            yield {"id": row.id, "name": row.name, "slug": row.slug}

    return [
        Dataset(
            name="neighbourhoods",
            title=_l("Neighbourhoods"),
            description=_l("The neighbourhoods used to locate ideas, consultations and figures."),
            columns=("id", "name", "slug"),
            rows=neighbourhoods,
        ),
        Dataset(
            name="categories",
            title=_l("Categories"),
            description=_l("The themes used to sort the content of the site."),
            columns=("id", "name", "slug"),
            rows=categories,
        ),
    ]
