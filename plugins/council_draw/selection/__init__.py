"""How a council is drawn: the algorithms, the seeded sampler and the public record.

Pure Python on top of HiGHS (through ``highspy``): nothing here needs the database or the web
application, so a published draw can be checked with this package alone.

- :mod:`.problem`: candidates, seats, quotas, and the *types* of interchangeable candidates;
- :mod:`.leximin`: the LEXIMIN lottery of Flanigan et al. (2021), the default;
- :mod:`.greedy`: the classic greedy algorithm, the second choice;
- :mod:`.diagnosis`: which quotas conflict and what relaxing would allow a panel;
- :mod:`.sampling`: randomness from the ceremony's seed (SHA-256), documented step by step;
- :mod:`.record`: the published record, the draw from it, and its verification;
- :mod:`.verify`: ``python -m plugins.council_draw.selection.verify record.json``.
"""
