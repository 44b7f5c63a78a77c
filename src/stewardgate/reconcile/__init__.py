"""Reconciliation with a source of truth (``reconcile:``) and referential integrity (``references:``).

:mod:`.targets` finds and opens the other dataset, :mod:`.sides` computes each side's figures
with its own reader, :mod:`.compare` compares them, :mod:`.run` is the ``reconcile`` executor.
It sits with the runner (it opens datasets as the readers do); see docs/reconcile.md.
"""
