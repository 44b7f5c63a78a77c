"""Run the stewardgate CLI in this process and report how long it took after its imports.

    python benchmarks/sg_timed.py --tool stewardgate-core -- run SUITE --json OUT --quiet

imports polars and ``stewardgate.cli`` (the console script's module), notes the time, calls
``stewardgate.cli.main()`` with the arguments after ``--`` exactly as the ``stewardgate`` console
script would, prints one JSON line to stdout (after the CLI's own output),
``{"tool", "t_import", "t_after_import", "exit_code"}``, and exits with the CLI's exit code.

Why polars is imported before the clock starts: every tool in the benchmark needs polars, and
the limit's clock also starts after ``import polars``; so ``t_after_import`` compares the work of
the tools, not polars' import. What stewardgate imports lazily during the run (pandera, pandas,
Great Expectations) is part of its ``t_after_import``: a user pays it on every run. The import
and start-up cost itself is measured separately (``run.py``'s start-up table).
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

import polars  # noqa: E402, F401

import stewardgate.cli  # noqa: E402

T_IMPORTED = time.perf_counter()
HEAVY = ("pandera", "pandas", "great_expectations", "sqlalchemy", "jinja2", "pyarrow")
IMPORTED_BEFORE = {m for m in HEAVY if m in sys.modules}


def main() -> int:
    argv = sys.argv[1:]
    tool = "stewardgate"
    if argv[:1] == ["--tool"]:
        tool, argv = argv[1], argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    sys.argv = ["stewardgate", *argv]
    code: int | str | None = 0
    try:
        stewardgate.cli.main()
    except SystemExit as exc:
        code = exc.code
    sys.stdout.flush()
    report = {
        "tool": tool,
        "t_import": T_IMPORTED - T_START,
        "t_after_import": time.perf_counter() - T_IMPORTED,
        "exit_code": code if isinstance(code, int) else (0 if code is None else 1),
        # heavy libraries first imported by the run itself: their import time is in t_after_import
        "imported_during_run": sorted(m for m in HEAVY if m in sys.modules and m not in IMPORTED_BEFORE),
    }
    print("\n" + json.dumps(report))
    return report["exit_code"]


if __name__ == "__main__":
    sys.exit(main())
