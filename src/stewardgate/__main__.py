"""``python -m stewardgate``: the same as the ``stewardgate`` command."""

from stewardgate.cli import main

main()
