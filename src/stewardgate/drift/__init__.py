"""Drift: schema drift and distribution drift against a baseline, ``diff`` and ``breaking``.

The folder follows the flow of a drift check:

- ``plan``: the drift checks a suite's ``drift:`` section plans, and their ids;
- ``baseline``: where the baseline comes from (the store's accepted snapshot, a committed
  file, another dataset), accepting and exporting one;
- ``types``, ``schema``: schema changes between two snapshots (widened / narrowed / changed
  types, removed, added and renamed columns, nullability, order);
- ``measures``: PSI, Jensen-Shannon and Wasserstein from two metric profiles;
- ``judge``: planned checks, baseline and profile to check results (pure);
- ``run``: drift inside ``stewardgate run``; ``diff``: two datasets; ``contract``: two
  suite versions (``stewardgate breaking``).

Nothing here reads data beyond the one-pass metric profile; see ``docs/drift.md``.
"""
