"""The open-data pages: the catalogue at ``/open-data/``, each dataset as CSV and as JSON."""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, current_app, render_template, stream_with_context

from core.pagecache import visitor_cache

from .catalogue import dataset_or_404, datasets, licence_of, plain, rows, spreadsheet_safe

bp = Blueprint("opendata", __name__, url_prefix="/open-data", template_folder="templates")


@bp.get("/")
@visitor_cache
def index():
    items = sorted(datasets().values(), key=lambda d: str(d.title))
    return render_template("opendata/index.html", datasets=items, licence_of=licence_of)


@bp.get("/<name>.csv")
def as_csv(name: str):
    dataset = dataset_or_404(name)

    def generate():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(dataset.columns), lineterminator="\n")
        writer.writeheader()
        for row in dataset.rows():
            writer.writerow({column: plain(spreadsheet_safe(row.get(column)))
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
    dataset = dataset_or_404(name)
    body = {
        "name": dataset.name,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "licence": licence_of(dataset),
        "columns": list(dataset.columns),
        "rows": list(rows(dataset)),
    }
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False), mimetype="application/json"
    )
