"""Configuration: defaults in code, then the instance file, then ``CIVIQUE_*`` variables.

The order is Flask's own: :class:`Defaults` below, then ``<instance>/civique.cfg`` (a Python
file, optional), then every environment variable starting with ``CIVIQUE_`` (``CIVIQUE_SECRET_KEY``
sets ``SECRET_KEY``; values are parsed as JSON when they can be). :func:`finalise` then derives
the settings of the extensions from ours and checks what must hold in production.
"""

from __future__ import annotations

import os

import click
from datetime import timedelta

DEFAULT_SECRET_KEY = "civique-insecure-default-secret-key"


class Defaults:
    """Built-in defaults. Every key can be overridden by the instance file or the environment."""

    # "production" (default), "development" or "testing".
    ENV = "production"
    SECRET_KEY = DEFAULT_SECRET_KEY

    # Maps (core.services.maps): the tile server, its credit, where maps open when no
    # neighbourhood is drawn ("latitude,longitude") and how close. The tile server's origin is
    # added to the Content-Security-Policy; it sees the visitors' addresses, as any image host.
    MAP_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    MAP_TILES_ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    MAP_CENTRE = None
    MAP_ZOOM = 13

    # Database: SQLite in the instance folder unless CIVIQUE_DATABASE_URL says otherwise.
    DATABASE_URL = None

    # Plugins: None means "every built-in plugin". A list (or a comma-separated string) names them.
    PLUGINS = None
    # When several installed packages provide a plugin of the same name, this chooses:
    # {"idea_box": "civique-idea-box-lyon"} or "idea_box=civique-idea-box-lyon".
    PLUGIN_PROVIDERS: dict[str, str] = {}

    # The site's public address (https://participer.example.fr), for links in mails and pages
    # built outside a request (command line, worker). Default: the address of the request.
    PUBLIC_URL = None

    # The municipality.
    CITY_NAME = "Ma commune"
    SITE_NAME = "Civique"
    LOGO_URL = None
    THEME_PRIMARY_COLOR = "#1d4e89"
    THEME_ACCENT_COLOR = "#a3195b"
    TEMPLATE_OVERRIDES_FOLDER = None  # default: <instance>/templates

    # Languages.
    LANGUAGES = ["fr", "en", "de"]
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"

    # Accounts.
    PASSWORD_MIN_LENGTH = 10
    # Password hashing (argon2id): passes and memory (KiB) spent on each hash and each sign-in.
    # The defaults are RFC 9106's second recommended profile (3 passes over 64 MiB, about
    # 0.05 s); raise them on a bigger server. Hashes made with other values still verify, and
    # are made again with these at the person's next sign-in.
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_KIB = 65536
    # Accounts never confirmed are anonymised after this many days.
    UNCONFIRMED_ACCOUNT_DAYS = 30
    CONFIRMATION_MAX_AGE = int(timedelta(days=3).total_seconds())
    RESET_MAX_AGE = int(timedelta(hours=2).total_seconds())
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    SIGNUP_RATE_LIMIT = "5 per minute;30 per hour"
    RESIDENCY_VERIFICATION = False

    # Mail: "smtp" sends through MAIL_SERVER; "console" writes messages to the log (local trials).
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = "Civique <no-reply@localhost>"
    # Try to deliver at the end of the request that queued a mail; the worker retries what fails.
    MAIL_SEND_IMMEDIATELY = True
    # At most this many of a request's mails are sent before it answers; the worker sends the
    # rest (a popular idea's thousands of followers do not hold the request up). 0: all by it.
    MAIL_IMMEDIATE_LIMIT = 5
    # Notifications: recipients notified within the request; beyond, background jobs do it
    # (each "each" recipient's mail is rendered where they are notified: 70 in a request took
    # 60 ms, bench/README.md).
    NOTIFY_IMMEDIATE_LIMIT = 10

    # Settings of every PostgreSQL connection. join_collapse_limit 1: the ORM's joins are
    # planned in the order written (planning six joins took longer than running the query).
    POSTGRESQL_SESSION_SETTINGS = {"join_collapse_limit": "1"}

    # /healthz says the workers are late when none finished a round for this long.
    WORKER_LATE_SECONDS = 300

    # Shared state between instances (rate limits, job queue, kept pages). None: in-process memory.
    REDIS_URL = None

    # Pages kept for visitors who are not signed in (core.pagecache): seconds a page is kept,
    # None for the environment's default (10 in production, 0 = off in development and tests),
    # and the memory each worker may use for them when there is no Redis.
    # PAGE_CACHE_KEY_PREFIX names its Redis keys (None: derived from the secret key, so that
    # sites sharing a Redis keep apart and the instances of one site share their pages).
    PAGE_CACHE_SECONDS = None
    PAGE_CACHE_MEMORY_BYTES = 32 * 1024 * 1024
    PAGE_CACHE_KEY_PREFIX = None

    # Uploaded files: where they are stored (default: <instance>/uploads) and how big they may be.
    STORAGE_PATH = None
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    IMAGE_MAX_SIDE = 2400

    # Comments: how long their author may still edit them. Moderation: reports that hide a target.
    COMMENT_EDIT_MINUTES = 15
    MODERATION_HIDE_THRESHOLD = 3

    # Open data: the licence of every published dataset.
    OPEN_DATA_LICENCE_NAME = "Licence Ouverte / Open Licence 2.0 (Etalab)"
    OPEN_DATA_LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

    # Behind a reverse proxy: number of proxies to trust for X-Forwarded-* headers.
    PROXY_FIX = 0

    WTF_CSRF_TIME_LIMIT = None
    # Cookies: never readable by scripts, not sent by other sites' forms, and in production only
    # over HTTPS (None: Secure in production, not in development and tests, which run on http).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = None
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = None
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024


class ConfigurationError(click.ClickException, RuntimeError):
    """The configuration cannot run; the message says what to change.

    A click exception, so that ``flask --app core ...`` prints the message alone (no traceback)
    and exits with an error status.
    """


def as_list(value) -> list[str] | None:
    """Accept a list or a comma-separated string (as environment variables give it)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part).strip() for part in value if str(part).strip()]


def as_mapping(value) -> dict[str, str]:
    """Accept a dict or ``"a=x,b=y"``."""
    if not value:
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    pairs = {}
    for part in str(value).split(","):
        if "=" not in part:
            raise ConfigurationError(
                f"CIVIQUE_PLUGIN_PROVIDERS: '{part.strip()}' is not of the form plugin=distribution."
            )
        key, _, dist = part.partition("=")
        pairs[key.strip()] = dist.strip()
    return pairs


def finalise(app) -> None:
    """Derive extension settings from Civique's keys and refuse unsafe production settings."""
    config = app.config
    env = str(config.get("ENV") or "production").lower()
    if env not in {"production", "development", "testing"}:
        raise ConfigurationError(
            f"CIVIQUE_ENV is '{env}'; it must be production, development or testing."
        )
    config["ENV"] = env
    config["TESTING"] = env == "testing" or bool(config.get("TESTING"))

    if env == "production" and config.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY):
        raise ConfigurationError(
            "Civique refuses to start in production with the default secret key. Set "
            "CIVIQUE_SECRET_KEY to a long random value (for example the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`), or set "
            "CIVIQUE_ENV=development for a local trial."
        )
    # Not ``setdefault``: Flask's own defaults already hold most keys (SESSION_COOKIE_SECURE is
    # False there), so a default of ours is given where the key is missing *or* left at None.
    unset_default(config, "SESSION_COOKIE_SECURE", env == "production")
    unset_default(config, "REMEMBER_COOKIE_SECURE", env == "production")

    url = config.get("DATABASE_URL") or config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = "sqlite:///" + os.path.join(app.instance_path, "civique.sqlite3")
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    # Connections checked before use, whatever else the site sets: after a database restart the
    # next request gets a live one instead of an error.
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True,
                                           **(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})}

    config["PLUGINS"] = as_list(config.get("PLUGINS"))
    config["PLUGIN_PROVIDERS"] = as_mapping(config.get("PLUGIN_PROVIDERS"))
    config["LANGUAGES"] = as_list(config.get("LANGUAGES")) or ["fr"]

    if config.get("PAGE_CACHE_SECONDS") is None:
        config["PAGE_CACHE_SECONDS"] = 10 if env == "production" else 0

    redis_url = config.get("REDIS_URL")
    unset_default(config, "RATELIMIT_STORAGE_URI", redis_url or "memory://")
    unset_default(config, "RATELIMIT_HEADERS_ENABLED", True)
    unset_default(config, "RATELIMIT_ENABLED", True)
    # Redis away: limits are counted in each process's memory meanwhile, never a failed request.
    unset_default(config, "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    unset_default(config, "RATELIMIT_SWALLOW_ERRORS", True)


def unset_default(config, key: str, value) -> None:
    """Give ``key`` the value ``value`` unless the site configured it (missing or None)."""
    if config.get(key) is None:
        config[key] = value


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the usual ``postgresql://`` form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
