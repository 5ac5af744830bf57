"""The maps' data (``/maps/…``) and the neighbourhoods' outlines uploaded by staff
(``/admin/taxonomy/boundaries``)."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from core.database import db
from core.demo import slugify
from core.pagecache import expire_visitor_pages
from core.permissions import permission_required
from core.services.audit import record as audit
from core.taxonomy import Neighbourhood

from .forms import BoundariesForm
from .geometry import BoundaryError, read_boundaries
from .places import boundaries_collection, forget_drawn, neighbourhood_at

bp = Blueprint("maps", __name__, template_folder="templates")

PERMISSION = "admin.taxonomy"
# The largest outline file accepted (a city's neighbourhoods are well under this).
MAX_FILE_BYTES = 5 * 1024 * 1024


def _coordinate(name: str, low: float, high: float) -> float | None:
    try:
        value = float(request.args.get(name, ""))
    except ValueError:
        return None
    return value if low <= value <= high else None


@bp.get("/maps/neighbourhoods.geojson")
def boundaries():
    """The drawn neighbourhoods, for every map of the site."""
    response = jsonify(boundaries_collection())
    response.mimetype = "application/geo+json"
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.get("/maps/neighbourhood")
def neighbourhood():
    """The neighbourhood holding ``?latitude=&longitude=``, to suggest it in a form."""
    found = neighbourhood_at(_coordinate("latitude", -90, 90), _coordinate("longitude", -180, 180))
    return jsonify({"id": found.id, "name": found.name} if found else {"id": None, "name": None})


def _neighbourhoods() -> list[Neighbourhood]:
    return list(db.session.scalars(
        db.select(Neighbourhood).order_by(Neighbourhood.position, Neighbourhood.name)))


@bp.route("/admin/taxonomy/boundaries", methods=["GET", "POST"])
@permission_required(PERMISSION)
def manage():
    """Upload the outlines (a GeoJSON file), matched to the neighbourhoods by name."""
    form = BoundariesForm()
    if form.validate_on_submit():
        upload = form.geojson.data
        raw = upload.read(MAX_FILE_BYTES + 1) if upload is not None and upload.filename else b""
        if not raw:
            form.geojson.errors = [_("Choose the GeoJSON file of the neighbourhoods.")]
        elif len(raw) > MAX_FILE_BYTES:
            form.geojson.errors = [_("This file is larger than 5 MB: simplify the outlines first.")]
        else:
            try:
                found = read_boundaries(raw, (form.name_property.data or "").strip() or None)
            except BoundaryError as refused:
                form.geojson.errors = [str(refused.message)]
            else:
                saved = _save(form, found)
                if saved is not None:
                    return saved
    status = 422 if any(field.errors for field in form) else 200
    return render_template("maps/boundaries.html", form=form, neighbourhoods=_neighbourhoods()), status


def _save(form: BoundariesForm, found):
    """Store the outlines; None (and the reason in the form) when a name matches nothing."""
    existing = {n.slug: n for n in _neighbourhoods()} | {slugify(n.name): n for n in _neighbourhoods()}
    unknown = [boundary.name for boundary in found if slugify(boundary.name) not in existing]
    if unknown and not form.create_missing.data:
        form.geojson.errors = [_(
            "These names match no neighbourhood of the list: %(names)s. Rename them in the file "
            "or in the list, or tick the box to add them.", names=", ".join(unknown))]
        return None
    position = max((n.position for n in existing.values()), default=0)
    for boundary in found:
        neighbourhood = existing.get(slugify(boundary.name))
        if neighbourhood is None:
            position += 1
            neighbourhood = Neighbourhood(name=boundary.name[:120], slug=slugify(boundary.name)[:120],
                                          position=position)
            db.session.add(neighbourhood)
            existing[neighbourhood.slug] = neighbourhood
        neighbourhood.boundary = json.dumps(boundary.geometry, separators=(",", ":"))
    audit("maps.boundaries_uploaded",
          summary=_l("%(count)d neighbourhood outlines uploaded", count=len(found)),
          names=[boundary.name for boundary in found], added=unknown)
    expire_visitor_pages()
    db.session.commit()
    forget_drawn()
    flash(ngettext("%(num)d outline is saved.", "%(num)d outlines are saved.", len(found)), "success")
    return redirect(url_for("maps.manage"))


@bp.post("/admin/taxonomy/boundaries/<int:neighbourhood_id>/remove")
@permission_required(PERMISSION)
def remove(neighbourhood_id: int):
    """Take a neighbourhood's outline off the maps (the neighbourhood stays)."""
    form = BoundariesForm()
    neighbourhood = db.session.get(Neighbourhood, neighbourhood_id)
    if neighbourhood is None:
        abort(404)
    if form.validate_on_submit() and neighbourhood.boundary:
        neighbourhood.boundary = None
        audit("maps.boundary_removed", neighbourhood,
              summary=_l("outline of %(name)s removed", name=neighbourhood.name),
              name=neighbourhood.name)
        expire_visitor_pages()
        db.session.commit()
        forget_drawn()
        flash(_("The outline of “%(name)s” is removed.", name=neighbourhood.name), "success")
    return redirect(url_for("maps.manage"))
