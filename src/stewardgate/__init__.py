"""stewardgate: a release gate for data, with its stewardship attached.

Importing this package is cheap: it imports no engine library (Great Expectations, pandera,
pandas); each engine imports its library only when a run's plan needs it.
"""

from __future__ import annotations

__version__ = "0.1.0"
