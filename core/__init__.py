"""Civique: an e-participation engine for municipalities.

``create_app()`` is the application factory (``flask --app core ...`` finds it).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, has_request_context, request
from jinja2 import ChoiceLoader, FileSystemLoader

from . import config as config_module
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .database import UNAVAILABLE_MARK, close_session
from .web import CiviqueRequest, IdConverter, whole_number

__version__ = "0.1.0"

log = logging.getLogger(__name__)


class CiviqueFlask(Flask):
    """Flask, with the municipality's template folder looked up before everything else, and
    requests whose text never carries a NUL character (:class:`core.web.CiviqueRequest`)."""

    request_class = CiviqueRequest

    def create_global_jinja_loader(self):
        overrides = self.config.get("TEMPLATE_OVERRIDES_FOLDER") or os.path.join(
            self.instance_path, "templates"
        )
        return ChoiceLoader([FileSystemLoader(overrides), super().create_global_jinja_loader()])


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure a Civique app.

    Configuration comes from :class:`core.config.Defaults`, then ``<instance>/civique.cfg``, then
    ``CIVIQUE_*`` environment variables, then ``test_config`` (tests and embedding).
    """
    instance_path = os.environ.get("CIVIQUE_INSTANCE_PATH")
    if instance_path:
        instance_path = str(Path(instance_path).resolve())
    app = CiviqueFlask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter  # before any route: ids too large are a 404
    app.config.from_object(config_module.Defaults)
    app.config.from_pyfile("civique.cfg", silent=True)
    app.config.from_prefixed_env("CIVIQUE")
    if test_config:
        app.config.update(test_config)
    config_module.finalise(app)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.debug and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)

    from .plugins import PluginManager

    plugins = PluginManager()
    app.extensions["civique.plugins"] = plugins
    plugins.load(app)

    _init_extensions(app, plugins)

    from . import cli, models, pagecache, pages, web  # noqa: F401

    web.init_app(app, plugins)
    pagecache.init_app(app)
    app.register_blueprint(pages.bp)
    # The core's parts and services register their pages like any plugin does.
    for _plugin, blueprints in plugins.each("register_blueprints", app=app):
        for blueprint in blueprints:
            app.register_blueprint(blueprint)
    cli.init_app(app, plugins)
    return app


def _init_extensions(app: Flask, plugins) -> None:
    from . import events, i18n
    from sqlalchemy.orm import joinedload

    from .accounts.models import User
    from .permissions import AnonymousUser

    db.init_app(app)
    # Registered after Flask-SQLAlchemy's, so they run before the session is removed (teardown
    # functions run last registered first): the left after-commit work, then the closing.
    app.teardown_appcontext(close_session)
    app.teardown_appcontext(events.run_left_after_commit_work)
    _tune_postgresql_sessions(app)

    migration_dirs = [str(Path(__file__).parent / "migrations" / "versions"), *plugins.migration_dirs()]
    app.config["CIVIQUE_MIGRATION_DIRS"] = migration_dirs
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    if _alembic_version_locations not in migrate.configure_callbacks:
        migrate.configure(_alembic_version_locations)

    translation_sources = [str(i18n.CORE_TRANSLATIONS), *plugins.translation_dirs()]
    compiled = i18n.compile_catalogs(
        translation_sources, os.path.join(app.instance_path, "compiled-translations")
    )
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=";".join(compiled),
    )

    csrf.init_app(app)
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"
    login_manager.anonymous_user = AnonymousUser

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.needs_refresh_message = _l("Please log in again to confirm it is you.")

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, version = session_id.partition(":")
        user_id = whole_number(user_id)
        if user_id is None or (has_request_context() and request.environ.get(UNAVAILABLE_MARK)):
            # No id, or the database just failed this request: its error page is drawn for
            # nobody in particular (in the site's language) rather than failing again.
            return None
        # The roles come with the account (one query): every page asks what the reader may do.
        user = db.session.scalars(
            db.select(User).where(User.id == user_id).options(joinedload(User.role_grants))
        ).unique().first()
        if user is None or not user.is_active or str(user.session_version) != version:
            return None
        return user


def _tune_postgresql_sessions(app: Flask) -> None:
    """Apply ``POSTGRESQL_SESSION_SETTINGS`` to each new connection of the app's engine.

    The ORM's pages load an item with its many-to-one relations joined (author, neighbourhood,
    category...): with the default join_collapse_limit PostgreSQL tries every order of those
    joins and spends more time planning (about 3 ms for an idea with six joined relations) than
    running the query (0.1 ms). At 1 it joins in the order written, the item first.
    """
    from sqlalchemy import event

    settings = app.config.get("POSTGRESQL_SESSION_SETTINGS")
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql" or not settings:
        return

    @event.listens_for(engine, "connect")
    def apply_settings(dbapi_connection, connection_record):
        with dbapi_connection.cursor() as cursor:
            for name, value in settings.items():
                cursor.execute("SELECT set_config(%s, %s, false)", (name, str(value)))
        dbapi_connection.commit()


def _alembic_version_locations(config):
    """Show Alembic the core's and every enabled plugin's migration folders.

    Set here, before Alembic reads its scripts (``migrations/env.py`` runs too late for that).
    """
    from flask import current_app

    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join(current_app.config["CIVIQUE_MIGRATION_DIRS"])
    )
    return config
