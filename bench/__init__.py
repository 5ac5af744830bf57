"""Civique's benchmarks: data at city and metropolis scale, pages under load, and a check that
nothing is lost when two instances serve many residents at once.

Run everything with ``make bench`` (or ``python -m bench --help`` for the parts). Never part of
``make test``. See ``bench/README.md`` for what each figure means and the figures measured.
"""
