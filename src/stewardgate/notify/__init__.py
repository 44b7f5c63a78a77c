"""Notifications after a run: webhook, Slack, Teams, e-mail; on change, with suppression.

Configured in settings (``[tool.stewardgate.notify]``, :mod:`stewardgate.notify.config`),
never in suites. ``config`` is light (pydantic only) and is what settings import; the
delivery modules load only when a run has channels. See ``docs/notifications.md``.
"""
