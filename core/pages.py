"""The core's public pages: home, language switch, the theme's colours, the favicon, health check."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import (
    Blueprint, abort, current_app, redirect, render_template, request, send_from_directory, session,
)
from markupsafe import Markup, escape
from flask_login import current_user
from sqlalchemy import text

from .extensions import db
from .heartbeat import workers_health
from .pagecache import kept_for_readers
from .plugins import manager
from .web import safe_next

bp = Blueprint("pages", __name__)


@bp.get("/")
@kept_for_readers
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


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for it at the site's root; a municipality overrides it in its static files."""
    response = send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon")
    response.cache_control.max_age = 86400
    return response


@bp.get("/healthz")
def healthz():
    """For load balancers and monitoring, as JSON: the database, Redis (when the site uses it)
    and the background workers, each told apart.

    The answer is 503 when this instance cannot serve (its database does not answer), 200
    otherwise; ``status`` is ``degraded`` when Redis is away (the site runs on, each process
    counting rate limits alone) or the workers are late or failing (mail and jobs wait, safely).
    """
    report = {"database": _database_health(), "redis": _redis_health(), "worker": None}
    if report["database"] == "ok":
        try:
            late = timedelta(seconds=int(current_app.config["WORKER_LATE_SECONDS"]))
            report["worker"] = workers_health(late)
        except Exception as exc:  # report, never raise
            db.session.rollback()
            current_app.logger.error("Health check: workers unknown: %s", exc)
            report["worker"] = {"status": "unknown"}
    if report["database"] != "ok":
        status = "unavailable"
    elif report["redis"] == "unavailable" or report["worker"]["status"] not in ("ok",):
        status = "degraded"
    else:
        status = "ok"
    response = current_app.make_response(({"status": status, **report},
                                           503 if status == "unavailable" else 200))
    response.headers["Cache-Control"] = "no-store"
    return response


def _database_health() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.commit()
        return "ok"
    except Exception as exc:  # report, never raise
        db.session.rollback()
        current_app.logger.error("Health check: database unreachable: %s", exc)
        return "unavailable"


def _redis_health() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    try:
        from redis import Redis

        Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping()
        return "ok"
    except Exception as exc:  # report, never raise
        current_app.logger.error("Health check: Redis unreachable: %s", exc)
        return "unavailable"


@bp.get("/dev/mail")
def dev_mail():
    """Development sites only: the mail the site sent, newest first, decoded, its links whole
    (the console backend sends nothing; this is where a tester reads and follows them)."""
    if current_app.config["ENV"] != "development":
        abort(404)
    from .mail import OutboxMessage

    messages = db.session.scalars(
        db.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(50)
    ).all()
    chosen = request.args.get("id", type=int)
    shown = next((m for m in messages if m.id == chosen), messages[0] if messages else None)
    return render_template("core/dev_mail.html", messages=messages, shown=shown,
                           linked_text=_linked_text)


def _linked_text(text_: str) -> Markup:
    """Plain text with its web addresses made links (the rest escaped)."""
    parts = URL.split(text_)
    return Markup("").join(
        Markup('<a href="{0}">{0}</a>').format(part) if index % 2 else escape(part)
        for index, part in enumerate(parts)
    )


URL = re.compile(r"(https?://[^\s<>\"]+)")
