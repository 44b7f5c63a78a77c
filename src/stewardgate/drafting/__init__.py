"""Drafting suites: ``stewardgate init`` (a suite from a dataset's profile) and
``stewardgate suggest`` (edits to a suite from its run history).

Modules, in the order the data flows:

- :mod:`~stewardgate.drafting.bounds`: thresholds with headroom (Wilson upper bounds for null
  fractions, ranges widened by a margin); never the observed value itself.
- :mod:`~stewardgate.drafting.keys`: does a column look like a key?
- :mod:`~stewardgate.drafting.source`: open a dataset (any reader format), profile it in one
  streaming pass and read a small head sample for the personal-data detectors.
- :mod:`~stewardgate.drafting.columns`: one column's suggested rules, each with its evidence.
- :mod:`~stewardgate.drafting.init`: the commented suite YAML (ruamel round-trip).
- :mod:`~stewardgate.drafting.history`: the stored runs of a dataset, oldest first.
- :mod:`~stewardgate.drafting.verdicts`: would a rule have failed on a stored profile?
- :mod:`~stewardgate.drafting.proposals`: the four questions ``suggest`` asks of the history.
- :mod:`~stewardgate.drafting.suggest`: the proposals applied to the suite text, as a unified diff.
- :mod:`~stewardgate.drafting.yamledit`: surgical edits of suite text that keep its layout.
- :mod:`~stewardgate.drafting.checked`: what either command produces must validate.

Nothing here reads data except :mod:`~stewardgate.drafting.source`, and nothing writes any file. The library never
prints or exits; ``stewardgate.cli.drafting`` does.
"""
