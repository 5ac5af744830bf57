"""The core services: what two plugins or more need, written once.

Each service is a package with the rooms of a plugin (``__init__.py``: what it offers and what it
declares to the core; ``models.py``, ``forms.py``, ``views.py``, ``data.py``, ``templates/<service>/``
and modules named after what they do). A content type opts into a service by naming it in its
``services``; a plugin calls the service through the names its package offers
(``from core.services.supports import add``). The services are registered on the plugin
manager like plugins (``core.plugins.CORE_PLUGINS``), and react to what happens through the same
``track_event`` hook.
"""
