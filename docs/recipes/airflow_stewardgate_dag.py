"""stewardgate in Airflow: a nightly quality gate as a task of the DAG that loads the data.

Copy to your ``dags/`` folder and put ``check_orders`` after the task that writes the data
(``load_orders >> check_orders``). stewardgate must be installed where the task runs.

The task calls the Python API (``stewardgate.runner.run_paths``), not the CLI: the run record
comes back as an object, the reports are written with ``stewardgate.reporters.write_reports``,
and a failed gate fails the task with ``AirflowFailException`` (no retries: the data will not
change by trying again). Airflow's ``ds`` (the logical date, the day the data is about) is
the run's ``as_of``, so backfills and reruns of a day judge that day against the history
before it. stewardgate is imported inside the task, which keeps the DAG file quick to parse.

With the CLI instead (a BashOperator), the same run is::

    stewardgate run /srv/stewardgate/suites --as-of {{ ds }} --json ... --html ...

(see ``docs/recipes/README.md``).
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow import DAG
from airflow.operators.python import PythonOperator  # Airflow 3: airflow.providers.standard.operators.python

SUITES = "/srv/stewardgate/suites"
REPORTS = "/srv/stewardgate/reports"
STORE = "sqlite:////srv/stewardgate/history/history.db"  # or a PostgreSQL URL shared by the workers


def run_quality_gate(suites: str, reports: str, ds: str, store: str | None = None) -> dict[str, Any]:
    """Check every suite under ``suites`` for the day ``ds``; write the reports; fail on a failed gate.

    Returns what the next tasks may want (pushed to XCom): the run id, the verdict and the
    report files.
    """
    from datetime import date
    from pathlib import Path

    from stewardgate.reporters import write_reports
    from stewardgate.runner import RunOptions, run_paths

    options = RunOptions(as_of=date.fromisoformat(ds), use_store=True, store_url=store)
    run = run_paths([Path(suites)], options)
    folder = Path(reports) / ds
    written = write_reports(run, {"json": folder / "run.json", "html": folder / "report.html"})
    summary = {
        "run_id": run.run_id,
        "passed": run.passed,
        "exit_code": run.exit_code,
        "blocked": [d.dataset for d in run.datasets if not d.gate.passed],
        "reports": [str(p) for p in written],
    }
    if run.exit_code != 0:
        from airflow.exceptions import AirflowFailException

        raise AirflowFailException(f"stewardgate: gate failed for {', '.join(summary['blocked'])}; see {written[-1]}")
    return summary


with DAG(
    dag_id="orders_quality_gate",
    schedule="15 5 * * *",
    start_date=pendulum.datetime(2026, 9, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["data-quality", "stewardgate"],
) as dag:
    check_orders = PythonOperator(
        task_id="check_orders",
        python_callable=run_quality_gate,
        op_kwargs={"suites": SUITES, "reports": REPORTS, "ds": "{{ ds }}", "store": STORE},
        retries=0,
    )
