"""Alembic environment: the core's branch plus one branch per enabled plugin.

Each enabled plugin's ``migration_dirs`` hook adds its folder to Alembic's version locations, so
``flask --app core db upgrade`` upgrades the core and every enabled plugin, and enabling a plugin
later upgrades only what it adds.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(config.config_file_name)

# The core's and enabled plugins' migration folders are given to Alembic by the app factory
# (``core._alembic_version_locations``), before Alembic reads the scripts: too late here.


def target_metadata():
    return current_app.extensions["migrate"].db.metadata


def include_object(obj, name, type_, reflected, compare_to):
    # Tables of plugins that are not enabled are none of this app's business.
    if type_ == "table" and reflected and compare_to is None:
        return False
    return True


def run_migrations_offline():
    context.configure(
        url=current_app.config["SQLALCHEMY_DATABASE_URI"],
        target_metadata=target_metadata(),
        literal_binds=True,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = current_app.extensions["migrate"].db.engine
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata(),
            include_object=include_object,
            **current_app.extensions["migrate"].configure_args,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
