"""Core service: the legal and help pages a municipal site owes its residents.

The legal notice (mentions légales), the privacy policy, the accessibility statement (RGAA,
its conformity status also shown in the footer, as the law requires), the terms of use and the
contact page live at ``/legal/<page>``, and the site map at ``/sitemap``; the footer links
them all. Each has a default text in every language, written from the settings below (who
publishes the site, who hosts it, how to reach the city); admins may replace it language by
language at ``/admin/legal``. The privacy policy lists what every enabled plugin keeps about
people and for how long, from their ``personal_data`` hook (:class:`PersonalData`).
"""

from flask_babel import lazy_gettext as _l

from core.declarations import AdminPage, FooterLink, PersonalData, SettingSpec
from core.hookspecs import hookimpl

from .models import LegalText
from .pages import ACCESSIBILITY_STATUSES, PAGES, accessibility_status

__all__ = ["LegalText", "PAGES"]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def plugin_title():
    return _l("Legal and help pages")


@hookimpl
def register_settings():
    return [
        SettingSpec("publisher", _l("Publisher of the site"), "",
                    help=_l("Leave empty for “City of” and the city's name.")),
        SettingSpec("publisher_address", _l("Publisher's postal address"), "", type="text"),
        SettingSpec("director", _l("Director of publication"), "",
                    help=_l("For a municipality, the mayor (name and title).")),
        SettingSpec("host", _l("Host of the site (name, address, telephone)"), "", type="text"),
        SettingSpec("contact_email", _l("Contact e-mail address"), ""),
        SettingSpec("contact_phone", _l("Contact telephone"), ""),
        SettingSpec("contact_address", _l("Contact postal address"), "", type="text",
                    help=_l("Leave empty to use the publisher's address.")),
        SettingSpec("accessibility_status", _l("Accessibility: conformity status (RGAA)"), "none",
                    type="choice", choices=ACCESSIBILITY_STATUSES,
                    help=_l("Until an audit has measured it, the law asks to say “not compliant”.")),
        SettingSpec("accessibility_audit", _l("Accessibility: the audit (who, when, result)"), "",
                    type="text",
                    help=_l("For example: audit by … on 12 March 2027; 84 of the 106 RGAA criteria met.")),
    ]


@hookimpl
def footer_links():
    links = [FooterLink(p.title, "legal.show", order=p.order, values=(("slug", p.slug),))
             for p in PAGES if p.slug != "accessibility"]
    links.append(FooterLink(
        lambda: _l("Accessibility: %(status)s", status=accessibility_status()), "legal.show",
        order=30, values=(("slug", "accessibility"),)))
    links.append(FooterLink(_l("Site map"), "legal.sitemap", order=60))
    return links


@hookimpl
def admin_pages(user):
    return [AdminPage(_l("Legal and help pages"), "legal.manage", "admin.settings",
                      _l("Legal notice, personal data, accessibility, terms of use, contact."),
                      order=85)]


@hookimpl
def audit_actions():
    return {"legal.text_saved": _l("Legal page written"),
            "legal.text_reset": _l("Legal page back to its default text")}


@hookimpl
def personal_data():
    return [
        PersonalData(_l("Your account: name shown, e-mail address, password (encrypted), "
                        "neighbourhood, language"),
                     _l("Signing you in, writing to you about what you follow"),
                     _l("Until you delete your account (from “My account”)"), order=10),
        PersonalData(_l("What you publish: ideas, comments, supports, answers"),
                     _l("Public participation, shown with the name you chose"),
                     _l("As long as the content is published; anonymised when you delete your account"),
                     order=11),
        PersonalData(_l("For the city's staff: what they did on the site, when, from which "
                        "network address (the audit log)"),
                     _l("Accountability of what is done in the city's name"),
                     _l("As long as the site keeps its audit log"), order=12),
    ]


@hookimpl
def load_demo_data(demo):
    """The demo city's publisher, host and contact (fictional, like the rest of the demo)."""
    from core.database import db
    from core.settings import SettingValue, save_setting

    from .pages import SERVICE

    if db.session.scalar(db.select(SettingValue).filter_by(plugin=SERVICE, name="publisher")):
        return
    from flask import current_app

    city = current_app.config["CITY_NAME"]
    for name, value in {
        "publisher": f"la Ville de {city} (site de démonstration)",
        "publisher_address": f"Hôtel de ville  \n2 rue Pierre et Marie Curie  \n68100 {city}",
        "director": f"le maire de {city}",
        "host": f"Service informatique de la ville, hôtel de ville, 68100 {city}",
        "contact_email": "participation@demo.civique.fr",
        "contact_phone": "03 89 00 00 00",
        "accessibility_status": "none",
        "accessibility_audit": "Démonstration : chaque page est vérifiée automatiquement (axe-core, "
                               "320 et 1 280 pixels de large) ; aucun audit RGAA complet n'a "
                               "encore été mené par des personnes.",
    }.items():
        save_setting(SERVICE, name, value)
