"""The administration: accounts and roles, permissions, audit log, settings, neighbourhoods and
categories, and the pages plugins add through the ``admin_pages`` hook."""

from .views import admin_pages, bp  # noqa: F401
