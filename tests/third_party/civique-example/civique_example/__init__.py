"""Example third-party plugins for Civique.

``civique_example.poll`` is a new plugin (``example_poll``); ``civique_example.welcome`` replaces
the built-in ``welcome`` plugin when configuration chooses this package for it.
"""
