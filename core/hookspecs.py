"""The hook contract: everything a Civique plugin can do.

A plugin is a module (or any object) with functions marked ``@hookimpl`` whose names are those
below. Each hook says when the core calls it, what it receives and what it returns. A plugin
implements only the hooks it needs, and may accept fewer arguments than a hook offers. A plugin
that is a package may keep some of its hooks in the rooms the core registers with it: its
``data.py`` (personal data, open data, statistics), ``demo.py`` and ``cli.py``
(``core.plugins.HOOK_ROOMS``); the others belong in its ``__init__.py``.

Every hook here has a section in ``docs/plugins.md``; a test fails when one is missing.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("civique")
hookimpl = pluggy.HookimplMarker("civique")


# --- Pages ------------------------------------------------------------------------------------


@hookspec
def register_blueprints(app):
    """Called once while the app is created, after configuration and extensions.

    Receives the Flask ``app``. Returns a list of :class:`flask.Blueprint` objects, each with its
    own ``url_prefix``; their templates extend ``"core/base.html"``.
    """


@hookspec
def nav_items(user):
    """Called on every page to build the main navigation.

    Receives the current ``user`` (anonymous or signed in). Returns a list of
    :class:`core.declarations.NavItem`; entries whose ``permission`` the user lacks are dropped.
    """


@hookspec
def account_links(user):
    """Called when a signed-in person opens their account page (``/account/``).

    Receives the ``user``. Returns a list of :class:`core.declarations.NavItem`: the pages of
    their own participation the plugin offers ("My ideas", "My mediation cases"), listed there
    under "My participation".
    """


@hookspec
def plugin_title():
    """Called when the administration names a plugin (its section of the settings page).

    Returns the name people read, in their language (a lazy string: ``_l("Idea box")``), or
    ``None`` to be named after the plugin's code name.
    """


@hookspec
def audit_actions():
    """Called once per app, when the audit log is first read.

    Returns a dict of the audit action codes this plugin records (``"idea_box.decided"``) to
    the label people read (a lazy string). Workflow moves need none: they are named after the
    declared transition.
    """


@hookspec
def footer_links():
    """Called when a page's footer is drawn (once per request).

    Returns a list of :class:`core.declarations.FooterLink`: the legal and help pages, or other
    ways into the site, grouped and ordered.
    """


@hookspec
def home_blocks(user):
    """Called when the home page is rendered.

    Receives the current ``user``. Returns a list of :class:`core.declarations.HomeBlock`
    (rendered HTML and an order), or ``None``. The home page is shared by every reader
    (:func:`core.pagecache.kept_for_readers`): it is rendered as for a visitor, so what a block
    shows of the reader's own goes in a part (``own_part``, :mod:`core.pageparts`).
    """


@hookspec
def template_variables():
    """Called once while the app is created.

    Receives nothing. Returns a dict of names every template can use, imported macros included
    (they become Jinja globals): helpers and constants. What depends on the request is a
    function the template calls (``unread_notifications()``), never a value computed here.
    """


@hookspec
def register_content_types():
    """Called once per app, the first time content types are looked up.

    Returns a list of :class:`core.content.ContentType`: each kind of content the plugin
    publishes, its model (a :class:`core.content.ContentMixin`), its workflow and the core
    services it opts into (comments, supports, follows, moderation, search, answers...).
    """


@hookspec
def search_sources():
    """Called once per app, the first time the search looks for what it indexes.

    Returns a list of :class:`core.declarations.SearchSource`: records the plugin shows in
    public that are not content (a council, a meeting), for the site's search to find. A model
    named here sets ``search_source_name`` to the source's name, so that the search index
    follows its changes as it follows content's.
    """


# --- Roles, permissions, settings, administration ---------------------------------------------


@hookspec
def register_roles():
    """Called when the roles are listed (administration, role checks).

    Returns a list of :class:`core.declarations.RoleSpec` for the roles this plugin adds
    (for example ``conciliator``). The core declares ``resident``, ``moderator``, ``staff`` and
    ``admin``.
    """


@hookspec
def register_permissions():
    """Called when permissions are resolved.

    Returns a list of :class:`core.declarations.PermissionSpec`: each permission this plugin
    checks, with the roles that hold it by default. Admins can change the grants afterwards.
    """


@hookspec
def admin_pages(user):
    """Called when the administration home is rendered.

    Receives the current ``user``. Returns a list of :class:`core.declarations.AdminPage`; pages
    whose permission the user lacks are not shown (the page itself must check it too).
    """


@hookspec
def register_settings():
    """Called when the settings of the plugin are read or shown to admins.

    Returns a list of :class:`core.declarations.SettingSpec`. Read a value with
    ``core.settings.get_setting("<plugin>", "<name>")``.
    """


@hookspec
def register_commands():
    """Called once while the app is created (usually from the plugin's ``cli.py``).

    Returns a list of :mod:`click` commands. They are grouped under the plugin's name:
    ``flask --app core <plugin> <command>``.
    """


@hookspec
def load_demo_data(demo):
    """Called by ``flask --app core demo`` after the core's demo data exists (usually from the
    plugin's ``demo.py``), in a request context on the site's address.

    Receives a :class:`core.demo.DemoCity` (its neighbourhoods, categories, one account per
    role, a seeded random generator). Adds the plugin's own demo content and returns nothing.
    Must be safe to run twice: check whether the content is already there.
    """


@hookspec
def register_jobs():
    """Called when the worker starts and when a job is queued.

    Returns a dict of job kind (``"<plugin>.<job>"``) to a function taking the job's payload as
    keyword arguments. Queue one with ``core.jobs.enqueue(kind, **payload)``; the function runs
    in the worker with an app context, is retried with growing delays when it raises, and must
    be safe to run again (idempotent).
    """


@hookspec
def scheduled_jobs():
    """Called by the worker at each round.

    Returns a list of :class:`core.jobs.Schedule` (a name, how often, the job kind to queue and
    its payload): reminders, digests, retention clean-ups. Each schedule queues its job once per
    period across all workers, and the job then runs like any other (retries included).
    """


# --- Reactions --------------------------------------------------------------------------------


@hookspec
def track_event(event):
    """Called after something happened, once the change is committed: the one way a plugin
    reacts to what happens (no plugin registers a database listener or an app-wide request hook).

    Receives one of the event dataclasses of :mod:`core.events` (``SupportAdded``,
    ``CommentPosted``, ``WorkflowTransitioned``, ``AnswerPublished``, ``ContentChanged``,
    ``UserRegistered``, ``UserDeleted``...). Returns nothing. The reaction runs in a transaction
    of its own, committed when it returns; what it emits or queues follows once committed. An
    exception raised here is logged and rolled back; it does not undo the change, and the other
    plugins still hear the event.
    """


# --- Personal data ----------------------------------------------------------------------------


@hookspec
def personal_data():
    """Called when the privacy policy is read (``/legal/privacy``).

    Returns a list of :class:`core.declarations.PersonalData`: what this plugin keeps about
    people, why, and for how long. The policy lists every enabled plugin's, so that it always
    says what the site really keeps.
    """


@hookspec
def export_user_data(user):
    """Called when a person downloads their data ("download my data"); usually in ``data.py``.

    Receives the ``user``. Returns a JSON-serialisable dict of what this plugin stores about
    them, or ``None``. The core puts it under the plugin's name in the export.
    """


@hookspec
def erase_user_data(user):
    """Called when a person deletes their account, before the account itself is anonymised;
    usually in ``data.py``.

    Receives the ``user``. Erases or anonymises the personal data this plugin stores; what the
    person wrote in public may stay, shown as from a deleted participant. Returns nothing; the
    core commits once every plugin has run.
    """


# --- Public figures and open data -------------------------------------------------------------


@hookspec
def public_statistics():
    """Called when the public statistics page (``/stats``) is rendered; usually in ``data.py``.

    Returns a list of :class:`core.declarations.Statistic`.
    """


@hookspec
def open_data_datasets():
    """Called when the open-data catalogue (``/open-data``) is listed or a dataset served;
    usually in ``data.py``.

    Returns a list of :class:`core.declarations.Dataset`; none may contain personal data.
    """


# --- Files the plugin ships -------------------------------------------------------------------


@hookspec
def migration_dirs():
    """Called when Alembic is configured. Optional: without it, a plugin package's
    ``migrations/versions`` folder is used when there is one.

    Returns a list of folders holding the plugin's migration scripts. The plugin's first
    revision carries ``branch_labels = ("<plugin name>",)`` and ``depends_on`` the core's branch,
    so enabling the plugin later upgrades only its tables.
    """


@hookspec
def translation_dirs():
    """Called once while the app is created. Optional: without it, a plugin package's
    ``translations`` folder is used when there is one.

    Returns a list of folders laid out as gettext catalogs (``<lang>/LC_MESSAGES/messages.po``).
    They are compiled at start-up when needed and merged with the core's catalog.
    """
