"""The core's own datasets: the neighbourhoods and the categories."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.database import db
from core.declarations import Dataset
from core.hookspecs import hookimpl
from core.taxonomy import Category, Neighbourhood


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
