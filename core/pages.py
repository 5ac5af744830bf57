"""The core's public pages: home, language switch, health check."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import text

from .extensions import db
from .pagecache import visitor_cache
from .plugins import manager
from .web import safe_next

bp = Blueprint("pages", __name__)


@bp.get("/")
@visitor_cache
def home():
    blocks = []
    for result in manager().hook.home_blocks(user=current_user):
        blocks.extend(result or [])
    blocks.sort(key=lambda block: block.order)
    return render_template("core/home.html", blocks=blocks)


@bp.post("/language")
def set_language():
    """The language switcher (a form: works without JavaScript)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))


@bp.get("/theme.css")
def theme_css():
    """The municipality's colours as CSS variables (a file, so the CSP needs no inline style)."""
    config = current_app.config
    css = (
        ":root{"
        f"--color-primary:{_css_color(config['THEME_PRIMARY_COLOR'], '#1d4e89')};"
        f"--color-accent:{_css_color(config['THEME_ACCENT_COLOR'], '#a3195b')};"
        "}"
    )
    response = current_app.response_class(css, mimetype="text/css")
    response.cache_control.max_age = 3600
    return response


def _css_color(value: str, fallback: str) -> str:
    value = str(value or "").strip()
    if len(value) in (4, 7) and value.startswith("#") and all(
        c in "0123456789abcdefABCDEF" for c in value[1:]
    ):
        return value
    return fallback


@bp.get("/healthz")
def healthz():
    """For load balancers and monitoring: the database status, as JSON."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # report, never raise
        db.session.rollback()
        current_app.logger.error("Health check: database unreachable: %s", exc)
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return {"status": "ok" if status == 200 else "degraded", "database": database}, status
