"""Detectors: judge a dataset's profile against its own history (anomalies) or a baseline (drift).

A detector is a pure function of numbers: the runner gives it the metric values from the
profile and the history store, and turns its verdict into a check result.
"""
