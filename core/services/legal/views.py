"""The legal and help pages (``/legal/<page>``, ``/sitemap``), and their editing by admins
(``/admin/legal``)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from core.database import db
from core.i18n import LANGUAGE_NAMES
from core.pagecache import expire_visitor_pages, visitor_cache
from core.permissions import permission_required
from core.services.audit import record as audit
from core.web import footer_links, nav_entries

from .forms import LegalTextForm
from .models import LegalText
from .pages import PAGES, accessibility_status, page, personal_data, publisher, setting, written_text

bp = Blueprint("legal", __name__, template_folder="templates")

PERMISSION = "admin.settings"


def _facts() -> dict:
    """What the default texts are written from."""
    return {
        "publisher": publisher(),
        "publisher_address": setting("publisher_address"),
        "director": setting("director"),
        "host": setting("host"),
        "contact_email": setting("contact_email"),
        "contact_phone": setting("contact_phone"),
        "contact_address": setting("contact_address") or setting("publisher_address"),
        "accessibility_status": accessibility_status(),
        "accessibility_audit": setting("accessibility_audit"),
        "city": current_app.config["CITY_NAME"],
        "site": current_app.config["SITE_NAME"],
    }


@bp.get("/legal/<slug>")
@visitor_cache
def show(slug: str):
    legal_page = page(slug)
    if legal_page is None:
        abort(404)
    written = written_text(slug)
    return render_template("legal/page.html", page=legal_page, written=written, facts=_facts(),
                           kept=personal_data() if slug == "privacy" else [])


@bp.get("/sitemap")
@visitor_cache
def sitemap():
    """Every public section of the site, with what it is for (RGAA asks for two ways to
    find a page: the menu and this map; the search is a third)."""
    return render_template("legal/sitemap.html", entries=nav_entries(),
                           explore=footer_links("explore"), about=footer_links("about"))


@bp.get("/admin/legal")
@permission_required(PERMISSION)
def manage():
    written = {(text.slug, text.locale): text for text in db.session.scalars(db.select(LegalText))}
    return render_template("legal/manage.html", pages=PAGES, locales=current_app.config["LANGUAGES"],
                           language_names=LANGUAGE_NAMES, written=written)


@bp.route("/admin/legal/<slug>/<locale>", methods=["GET", "POST"])
@permission_required(PERMISSION)
def edit(slug: str, locale: str):
    legal_page = page(slug)
    if legal_page is None or locale not in current_app.config["LANGUAGES"]:
        abort(404)
    text = written_text(slug, locale)
    form = LegalTextForm(data={"body": text.body if text else ""})
    if form.validate_on_submit():
        body = (form.body.data or "").strip()
        if body:
            if text is None:
                text = LegalText(slug=slug, locale=locale, body=body)
                db.session.add(text)
            text.body, text.updated_by_id = body, current_user.id
        elif text is not None:
            db.session.delete(text)
        audit("legal.text_saved" if body else "legal.text_reset", None, object_type="legal_text",
              object_id=f"{slug}/{locale}", summary=str(legal_page.title))
        expire_visitor_pages()
        db.session.commit()
        flash(_("The page is saved.") if body else _("The page shows its default text again."),
              "success")
        return redirect(url_for("legal.manage"))
    with force_locale(locale):
        default = render_template(f"legal/defaults/{slug}.html", facts=_facts(),
                                  kept=personal_data() if slug == "privacy" else [])
    return render_template("legal/edit.html", page=legal_page, locale=locale, form=form,
                           text=text, default=default, language_names=LANGUAGE_NAMES)
