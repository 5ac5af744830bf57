"""What every page shares: template context, filters, error pages, security headers."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, render_template, request, session, url_for
from markupsafe import escape
from flask_babel import get_locale, get_translations, lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

try:
    from redis.exceptions import RedisError as RedisUnavailable
except ImportError:  # Redis is optional (the "redis" extra)
    class RedisUnavailable(Exception):
        """Stands for Redis's errors where the client library is not installed."""

from .database import COMMITTED_MARK, UNAVAILABLE_MARK
from .i18n import coordinate, date_text, euros, language_name, moment
from .markdown import render_markdown
from .plugins import manager

# The largest id a table's primary key holds (PostgreSQL's ``integer``).
MAX_ID = 2**31 - 1


def whole_number(value, default=None, maximum: int = MAX_ID):
    """``value`` (text from a URL or a form) as a whole number from 0 to ``maximum``, or
    ``default`` when it is anything else: empty, signed, "²", "٤", "1e3", or too large for an id
    (which the database would refuse with an error instead of finding nothing)."""
    value = str(value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(maximum)):
        return default
    number = int(value)
    return number if number <= maximum else default


def _without_nul(values: ImmutableMultiDict) -> ImmutableMultiDict:
    if not any("\x00" in key or (isinstance(value, str) and "\x00" in value)
               for key, value in values.items(multi=True)):
        return values
    return ImmutableMultiDict([(key.replace("\x00", ""), value.replace("\x00", ""))
                               for key, value in values.items(multi=True)])


class CiviqueRequest(Request):
    """Flask's request, with NUL characters removed from the query string and form fields.

    Nobody types them; PostgreSQL refuses them in text, so a form carrying one (pasted, or sent
    by a robot) would fail when saved instead of being saved without it.
    """

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _without_nul(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"])


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a whole number an id can be. A larger one is a page not
    found, not a database error."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


log = logging.getLogger(__name__)


@contextmanager
def background_context(base_url: str | None = None):
    """A request context on the site's public address (``PUBLIC_URL``), for work done outside a
    visitor's request: the worker, the demo, command-line commands. Links are built on that
    address, and mail waits in the outbox for the worker instead of being sent at each commit."""
    base_url = base_url or current_app.config.get("PUBLIC_URL") or "http://localhost"
    with current_app.test_request_context(base_url=base_url):
        g.civique_background = True
        yield


ERRORS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you entered and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("This page does not exist or is no longer available.")),
    405: (_l("Method not allowed"), _l("This action cannot be done this way.")),
    413: (_l("File too large"), _l("The file you sent is larger than allowed.")),
    429: (_l("Too many attempts"), _l("You have made too many attempts. Please wait a little and try again.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. It has been recorded; please try again later.")),
    503: (_l("Service unavailable"), _l("The service is temporarily unavailable. Please try again later.")),
}


# The database or Redis did not answer (core.web's handler of their errors): a 503 saying so.
UNAVAILABLE = _l("The site cannot reach its data for a moment, so what you just did was not "
                 "recorded. Please try again in a few seconds.")
# ... when the person was only reading a page.
UNAVAILABLE_READING = _l("The site cannot reach its data for a moment. Please try again in a few "
                         "seconds.")
# ... the same, once the request had recorded what the person did (only what followed failed).
UNAVAILABLE_AFTER_COMMIT = _l("What you did is recorded, but the site cannot reach its data for a "
                              "moment to show what follows. Please reload the page in a few "
                              "seconds.")
RETRY_AFTER_SECONDS = 10


def is_outage(error: Exception) -> bool:
    """Whether a database error is the database (or Redis) going away or restarting, as
    opposed to one that a person trying again would not cure as surely (a deadlock, a bug)."""
    if isinstance(error, (DisconnectionError, SQLAlchemyTimeoutError, RedisUnavailable)):
        return True
    if getattr(error, "connection_invalidated", False):
        return True
    original = getattr(error, "orig", None)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None:  # PostgreSQL: connection exceptions (08) and shutdowns (57)
        return sqlstate.startswith(("08", "57"))
    text_ = str(original or error).lower()
    return any(words in text_ for words in (
        "connection", "server closed", "unable to open database file", "database is locked",
        "shutting down", "starting up", "the database system"))


def safe_next(target: str | None, default: str = "/") -> str:
    """A redirect target from user input, only if it stays on this site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def nav_entries():
    """The main navigation for the current user, sorted."""
    if "_civique_nav" not in g:
        items = []
        for result in manager().hook.nav_items(user=current_user):
            items.extend(result or [])
        items = [i for i in items if not i.permission or current_user.can(i.permission)]
        g._civique_nav = sorted(items, key=lambda i: (i.order, str(i.label)))
    return g._civique_nav


def footer_links(group: str) -> list:
    """The footer's links of ``group`` (``"about"``, ``"explore"``), from every plugin's
    ``footer_links`` hook, as ``(label, url)`` objects, in order."""
    if "_civique_footer" not in g:
        links = []
        for result in manager().hook.footer_links():
            links.extend(result or [])
        g._civique_footer = sorted(links, key=lambda link: (link.order, str(link.label)))
    return [
        FooterEntry(link.label() if callable(link.label) else link.label,
                    url_for(link.endpoint, **dict(link.values)))
        for link in g._civique_footer if link.group == group
    ]


@dataclass(frozen=True)
class FooterEntry:
    label: Any
    url: str


def _translations():
    """The current locale's translations, as Flask-Babel gives them, looked up once per request
    (and again whenever ``force_locale`` changes the locale, e.g. for a recipient's mail).

    Templates translate dozens to hundreds of strings per page; Flask-Babel's own lookup goes
    through several context-local objects each time.
    """
    ctx = g.get("_flask_babel")
    if ctx is not None:
        memo = getattr(ctx, "civique_translations", None)
        if memo is not None and memo[0] is getattr(ctx, "babel_locale", None):
            return memo[1]
    translations = get_translations()
    ctx = g.get("_flask_babel")
    locale = getattr(ctx, "babel_locale", None) if ctx is not None else None
    if locale is not None:
        ctx.civique_translations = (locale, translations)
    return translations


class RenderedTexts:
    """The Markdown of the texts rendered most recently, up to ``max_chars`` characters in all
    (the texts and their HTML), the least recently used dropped first."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self._rendered: OrderedDict[str, Any] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def __call__(self, text: str):
        with self._lock:
            html = self._rendered.get(text)
            if html is not None:
                self._rendered.move_to_end(text)
                return html
        html = render_markdown(text)
        size = len(text) + len(html)
        if size <= self.max_chars // 8:  # one text never takes the room of many
            with self._lock:
                if text not in self._rendered:
                    self._rendered[text] = html
                    self._chars += size
                    while self._chars > self.max_chars:
                        old_text, old_html = self._rendered.popitem(last=False)
                        self._chars -= len(old_text) + len(old_html)
        return html


# 8 million characters of texts and HTML per worker, some 10 to 20 MB (a comment of 5,000
# characters and its HTML take about 12,000).
_markdown_of = RenderedTexts(max_chars=8 * 1024 * 1024)


def markdown_filter(text):
    """The ``markdown`` filter: :func:`core.markdown.render_markdown`, remembered per text.

    Rendering is a pure function of the text (Markdown, then sanitising), and a discussion's
    page shows the same comments to every visitor: each worker keeps its most recent results
    (:class:`RenderedTexts`, bounded in characters), which nothing else must see or invalidate.
    """
    if not text:
        return render_markdown(text)
    return _markdown_of(str(text))


def render_error(code: int, message=None):
    """The translated error page; a bare page if even the layout cannot render (database down)."""
    title, default_message = ERRORS.get(code, ERRORS[500])
    message = message or default_message
    try:
        return render_template("errors/error.html", code=code, title=title, message=message), code
    except Exception as exc:
        log.warning("Error page %s drawn without the site's layout: %s", code, exc)
    try:
        from .extensions import db

        db.session.rollback()
        return render_template("errors/plain.html", code=code, title=title, message=message), code
    except Exception:
        log.exception("Could not render the error page for %s", code)
        lang = current_app.config["BABEL_DEFAULT_LOCALE"]
        html = (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{escape(str(title))}</title></head><body><main><h1>{escape(str(title))}</h1>"
            f"<p>{escape(str(message))}</p></main></body></html>"
        )
        return html, code


def init_app(app, plugins) -> None:
    @app.context_processor
    def civique_context():
        return {
            "city_name": current_app.config["CITY_NAME"],
            "site_name": current_app.config["SITE_NAME"],
            "logo_url": current_app.config["LOGO_URL"],
            "theme": {
                "primary": current_app.config["THEME_PRIMARY_COLOR"],
                "accent": current_app.config["THEME_ACCENT_COLOR"],
            },
            "languages": [(code, language_name(code)) for code in current_app.config["LANGUAGES"]],
            "current_locale": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
        }

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters["markdown"] = markdown_filter
    app.jinja_env.filters["euros"] = euros
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.filters["coordinate"] = coordinate
    # Babel's, with the French "1er" for the first of a month.
    app.jinja_env.filters["dateformat"] = date_text
    # Globals (not only context) so that imported macros see them without "with context":
    # the core's, then what every plugin adds through the ``template_variables`` hook.
    app.jinja_env.globals["safe_next"] = safe_next
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["nav_entries"] = nav_entries
    app.jinja_env.globals["footer_links"] = footer_links
    for _plugin, names in plugins.each("template_variables"):
        app.jinja_env.globals.update(names)
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            _l("The form expired or was sent from elsewhere. Go back, reload the page and send it again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        # An error answers the request: nothing it had not committed is kept.
        from .extensions import db

        db.session.rollback()
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            return {"error": error.name, "status": error.code}, error.code
        description = getattr(error, "civique_message", None)
        body, code = render_error(error.code or 500, description)
        response = current_app.make_response((body, code))
        if code == 503:
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(DisconnectionError)
    @app.errorhandler(SQLAlchemyTimeoutError)
    @app.errorhandler(RedisUnavailable)
    def service_unavailable(error: Exception):
        """The database (restarting, unreachable, its connections all taken) or Redis did not
        answer: nothing of this request was recorded, and the person is told to try again."""
        request.environ[UNAVAILABLE_MARK] = True  # nothing else of this request asks the database
        if is_outage(error):
            log.warning("Service unavailable on %s %s: %s", request.method, request.path, error)
        else:  # not the database going away: a deadlock, a pool too small, a bug; said loudly
            log.error("Database error on %s %s", request.method, request.path, exc_info=error)
        try:
            from .extensions import db

            db.session.rollback()
        except Exception:  # the connection is what failed
            pass
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            response = current_app.make_response(({"error": "Service Unavailable", "status": 503}, 503))
        else:
            if request.environ.get(COMMITTED_MARK):
                message = UNAVAILABLE_AFTER_COMMIT
            elif request.method in ("GET", "HEAD"):
                message = UNAVAILABLE_READING
            else:
                message = UNAVAILABLE
            response = current_app.make_response(render_error(503, message))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("Unhandled error on %s %s", request.method, request.path)
        try:
            from .extensions import db

            db.session.rollback()
        except Exception:  # the database itself may be what failed
            pass
        return render_error(500)

    # Images come from the site itself, and the map tiles from the tile server it names.
    from .services.maps.places import tiles_origin

    images = " ".join(filter(None, ["'self' data:", tiles_origin(app.config["MAP_TILES_URL"])]))
    policy = (f"default-src 'self'; img-src {images}; style-src 'self'; script-src 'self'; "
              "form-action 'self'; frame-ancestors 'self'; base-uri 'self'")

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Content-Security-Policy", policy)
        return response

    @app.after_request
    def personal_pages_not_kept(response):
        """What is sent to a signed-in person is theirs: neither a shared cache nor the browser's
        history keeps it (a page seen on a library's computer is gone once they log out)."""
        if request.endpoint == "static" or (request.endpoint or "").endswith(".static"):
            return response
        remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        if "_user_id" in session or request.cookies.get(remember_cookie):
            response.headers["Cache-Control"] = "private, no-store"
            response.vary.add("Cookie")
        return response
