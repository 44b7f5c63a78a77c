"""Governance: stewardship stamped into the data, governance checks, waivers, the audit trail.

Modules: ``stamp`` / ``inspect`` (stewardship carried by the data), ``pii`` (personal-data
detectors), ``plan`` / ``checks`` / ``retention`` / ``personal_data`` / ``stamp_match`` (the
governance checks), ``waivers``, ``audit`` (verifying the chain), ``trust_sheet``. Importing
this package imports none of them (and no data library).
"""
