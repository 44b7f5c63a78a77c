"""Orchestration of a run, and nothing else: load, plan, scan, execute, judge, decide, record.

Each step is a library call of its own module; this one strings them together for every
suite and returns the frozen :class:`RunResult`. It never prints and never exits. With a
history store, each dataset's run is written in one transaction as soon as it is judged;
with ``parallel > 1`` datasets are checked in worker processes and written by this one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stewardgate import __version__
from stewardgate.datasets.scan import ScannedDataset
from stewardgate.engines.dispatch import import_in_background
from stewardgate.errors import DatasetError, StoreError, UsageError
from stewardgate.gate import BlockingPolicy, decide, policy_for, unreadable
from stewardgate.governance.checks import governance_figures
from stewardgate.governance.lineage import UpstreamJoin, upstream_order
from stewardgate.governance.waivers import apply_waivers, approval_problems, length_problems
from stewardgate.locations import DEFAULT_STORE_PATH
from stewardgate.planning import by_executor, masked_columns, plan_suite
from stewardgate.profile_record import Profile
from stewardgate.readers import Reader, reader_for
from stewardgate.results import CheckResult, DatasetRun, RunResult
from stewardgate.suite.loader import LoadedSuite, load_suites

if TYPE_CHECKING:
    from stewardgate.engines.spark.session import SparkOptions
    from stewardgate.notify.secrets import NotifyPlan
    from stewardgate.s3_settings import S3Settings
    from stewardgate.settings import GovernanceSettings
    from stewardgate.store.codec import RunRecord


def _default_spark() -> SparkOptions:
    from stewardgate.engines.spark.session import SparkOptions

    return SparkOptions()


def _default_governance() -> GovernanceSettings:
    from stewardgate.settings import GovernanceSettings

    return GovernanceSettings()


@dataclass(frozen=True)
class RunOptions:
    """How to run.

    ``store_url``/``store_path``: the history store (a SQLAlchemy URL, else the SQLite file);
    ``use_store=False`` runs without history (anomaly checks then stay in "learning").
    ``as_of``: the logical run date (default today, UTC). ``parallel``: worker processes.
    ``on_dataset``: called in this process with each dataset run as soon as it is recorded.
    ``governance``: the :class:`~stewardgate.settings.GovernanceSettings` (default: the defaults).
    ``engine``: ``polars`` (default) or ``spark`` (every suite read and judged by Spark; a suite
    can also ask for Spark itself with ``engine: spark``); ``spark``: where Spark runs, or the
    caller's own session.
    """

    samples: int = 5
    as_of: date | None = None
    as_of_time: datetime | None = None
    """An as-of time of day (``run --as-of 2026-11-25T07:30Z``): "now" for the freshness limits and
    the profile's freshness; None: the end of the as-of date (or the clock, without one)."""
    now: datetime | None = None
    use_store: bool = False
    store_url: str | None = None
    store_path: Path | None = None
    parallel: int = 1
    on_dataset: Callable[[DatasetRun], None] | None = field(default=None, compare=False)
    governance: GovernanceSettings = field(default_factory=_default_governance)
    engine: str = "polars"
    spark: SparkOptions = field(default_factory=_default_spark)
    spark_flags: tuple[str, ...] = ()
    """The Spark command-line flags given (``--spark-master``...): an error when no suite runs on Spark."""
    notify: NotifyPlan | None = field(default=None, compare=False, repr=False)
    """Channels to notify once every dataset is recorded (``stewardgate.notify``); None: nobody."""
    select: tuple[str, ...] = ()
    """Dataset names, globs or ``tag:NAME`` to run (:mod:`stewardgate.selection`); empty: all."""
    exclude: tuple[str, ...] = ()
    """Patterns of suites not to run."""
    actor: dict[str, str] | None = None
    """Who runs: recorded in every audit entry (default: :func:`stewardgate.actor.current_actor`)."""
    regex_timeout: float = 30.0
    """Seconds a Python regex that GX runs may take on a column's values (see engines/gx_regex)."""
    dataset_roots: tuple[Path, ...] = ()
    """When given, the only folders data may be read from (symbolic links followed)."""
    s3: S3Settings | None = None
    """``[tool.stewardgate.s3]``: how S3 datasets are reached (None: the standard AWS variables)."""
    openlineage: str | None = None
    """A file (NDJSON, written atomically) or http(s) URL that gets the run's OpenLineage events; None: none."""
    openlineage_timeout: float = 5.0
    """Seconds an OpenLineage endpoint may take to answer one event."""
    connections: dict[str, Any] = field(default_factory=dict)
    """The settings' SQL connections by name (``dataset.connection``; docs/sql.md)."""
    datasets: dict[str, tuple[str, Any]] = field(default_factory=dict, compare=False, repr=False)
    """Every suite the run was given, by dataset name (file, parsed YAML): what ``reconcile`` and
    ``references`` name (filled by :func:`run_paths`, else from the suites run)."""

    def __post_init__(self) -> None:
        if self.governance is None:  # None means the defaults, set here once for every reader
            object.__setattr__(self, "governance", _default_governance())


@dataclass(frozen=True)
class Judged:
    """A dataset run plus what the store keeps beside it."""

    run: DatasetRun
    metrics: list[tuple[str, str | None, float]] = field(default_factory=list)
    anomalous: frozenset[tuple[str, str | None]] = frozenset()
    schema: dict[str, Any] | None = None


def run_paths(paths: list[Path], options: RunOptions) -> RunResult:
    """Validate every suite under ``paths`` (all problems at once), then run each one."""
    with workers_started_early(paths, options):
        every: list[LoadedSuite] = []
        suites = prepare_suites(paths, options, loaded=every)
        from stewardgate.reconcile.targets import peer_catalogue

        return run_suites(suites, replace(options, datasets=options.datasets or peer_catalogue(every)))


EARLY_WORKERS_FROM = 200
"""With ``--parallel``, the workers start before the suites are read once there are this many
datasets to judge (suite files, times a backfill's nights): then the run is long enough to bet
on (a small dataset takes ~10 ms to judge, so 200 take ~2 s, several workers' starts).
Measured on the 2-core machine (2026-12-07), workers started early took 100 small datasets
0.95-1.09x their serial time, 150 0.88-1.11x, 200 0.90-0.95x, 1,000 0.76x, and 20 of 2M rows
1.07-1.26x; below this the parent judges first (:mod:`stewardgate.parallelism`)."""


@contextmanager
def workers_started_early(paths: list[Path], options: RunOptions, *, nights: int = 1) -> Iterator[None]:
    """With ``--parallel`` and at least :data:`EARLY_WORKERS_FROM` datasets to judge (suite
    files, times ``nights`` for a backfill), the worker processes start before the suites are
    read and are kept for the block (a backfill's nights): a worker's start-up (~0.35 s) then
    overlaps the parent's reading of the suites instead of following it. With fewer, the
    workers start when :mod:`stewardgate.parallelism` says they would help."""
    from stewardgate.suite.loader import discover
    from stewardgate.workers import started_early

    try:
        many = (
            options.parallel > 1 and options.engine != "spark"
            and len(discover(paths)) * nights >= EARLY_WORKERS_FROM
        )  # fmt: skip
    except UsageError:  # no such path: prepare_suites says so
        many = False
    if not many:
        yield
        return
    with started_early(_in_worker(), options.parallel):
        yield


def prepare_suites(
    paths: list[Path], options: RunOptions, loaded: list[LoadedSuite] | None = None
) -> list[LoadedSuite]:
    """The suites under ``paths``, validated, selected (``--select``/``--exclude``) and their
    waivers checked against the settings; nothing has read any data yet. ``loaded`` gets every
    suite found, before the selection (the datasets a reconciliation may name)."""
    suites = load_suites(paths)
    _check_reconcile_targets(suites)
    if loaded is not None:
        loaded.extend(suites)
    if options.select or options.exclude:
        from stewardgate.selection import select_suites

        suites = select_suites(suites, options.select, options.exclude)
    _check_waiver_approvals(suites, options)
    _check_spark_flags(suites, options)
    _check_lineage_and_uses(suites, options)
    return suites


def run_suites(suites: list[LoadedSuite], options: RunOptions) -> RunResult:
    """Run already-loaded suites; each dataset is judged on its own and recorded at once.

    With ``options.parallel > 1`` datasets are judged in worker processes (:mod:`stewardgate.workers`).

    Raises:
        UnrecordedRunError: the store refused a write; it carries the whole judged run.
    """
    started = _now()
    options = replace(options, now=options.now or started)
    if not options.datasets and any(s.suite.reconcile or _references(s) for s in suites):
        from stewardgate.reconcile.targets import peer_catalogue

        options = replace(options, datasets=peer_catalogue(suites))
    as_of = options.as_of or started.date()
    run_id = uuid.uuid4().hex
    if options.use_store:  # the store's modules load while polars reads the first dataset
        import_in_background("stewardgate.store", "stewardgate.governance.audit")
    from stewardgate.recording import Recorder

    recorder = Recorder(lambda: _open_store(options), _audit_events, run_id=run_id, as_of=as_of)
    runs, schemas = [], {}
    join = _upstream_join(suites, options, as_of)  # a dataset is complete once its upstreams are judged
    try:
        completed = (done for j in _judge_all(upstream_order(suites), options) for done in join.feed(j))
        for judged in chain(completed, join.rest()):  # lazily: each is recorded as soon as it is complete
            if options.use_store:
                recorder.record(judged)
            runs.append(judged.run)
            schemas[judged.run.dataset] = judged.schema
            if options.on_dataset is not None:
                options.on_dataset(judged.run)
    finally:
        recorder.close()
    order = {s.suite.dataset.name: i for i, s in enumerate(suites)}
    runs.sort(key=lambda r: order[r.dataset])
    result = RunResult(
        run_id=run_id, tool_version=__version__, as_of=as_of,
        started_at=started, finished_at=_now(), datasets=tuple(runs),
    )  # fmt: skip
    result = recorder.check(result)  # nothing is sent or announced for a run the store refused
    if options.openlineage is not None:
        from stewardgate.lineage_events.emit import emit_run

        result = emit_run(result, suites, schemas, options.openlineage, timeout=options.openlineage_timeout)
    return _notify(result, options)


def _upstream_join(suites: list[LoadedSuite], options: RunOptions, as_of: date) -> UpstreamJoin:
    """Completes each judged dataset with its upstreams' verdicts (stewardgate.governance.lineage)."""
    from stewardgate.governance import lineage

    by_name = {s.suite.dataset.name: s for s in suites}
    opener = (lambda: _open_store(options)) if options.use_store else None
    return UpstreamJoin(
        suites, name_of=lambda j: j.run.dataset, verdict_of=lambda j: lineage.run_verdict(j.run),
        complete=lambda j, known: lineage.complete(
            j, known, by_name[j.run.dataset], policy=_policy(by_name[j.run.dataset], options), as_of=as_of,
            open_store=opener,
        ),
    )  # fmt: skip


def _notify(result: RunResult, options: RunOptions) -> RunResult:
    """The run with its notifications sent and recorded (the runs themselves are stored already)."""
    if options.notify is None or not options.notify.channels:
        return result
    from stewardgate.errors import StoreError
    from stewardgate.notify.dispatch import notify_run, unsent

    if not options.use_store:
        return replace(result, notifications=notify_run(result, options.notify, None))
    try:
        store = _open_store(options)
    except StoreError as exc:  # the runs are stored already; the notifications cannot be judged
        reason = f"the history store could not be opened to decide what changed: {exc}"
        return replace(
            result, notifications=tuple(n for d in result.datasets for n in unsent(options.notify, d.dataset, reason))
        )
    with store:
        return replace(result, notifications=notify_run(result, options.notify, store))


def _judge_all(suites: list[LoadedSuite], options: RunOptions) -> Iterator[Judged]:
    worker_options = replace(options, on_dataset=None, notify=None)
    if options.parallel <= 1 or len(suites) <= 1 or options.engine == "spark":  # Spark parallelises itself
        for loaded in suites:
            yield judge_suite(loaded, worker_options)
        return
    from stewardgate.parallelism import Spent, hand_over
    from stewardgate.workers import run_all, running

    pending = list(suites)
    if not running(_in_worker()):  # judged here until workers would help (stewardgate.parallelism)
        spent = Spent()
        while pending and not hand_over(spent, len(pending)):
            loaded = pending.pop(0)
            yield spent.timed(partial(judge_suite, loaded, worker_options))
        if not pending:
            return
    by_path = {loaded.path: loaded for loaded in pending}
    tasks = [(loaded.path, loaded.sha256, loaded.located, _for_worker(worker_options, loaded)) for loaded in pending]
    yield from run_all(
        tasks, _in_worker(), processes=options.parallel,
        on_death=lambda task, why: _worker_died(by_path[task[0]], why, options),
    )  # fmt: skip


def _for_worker(options: RunOptions, loaded: LoadedSuite) -> RunOptions:
    """The options a worker judges ``loaded`` with: of the run's suites (``datasets``), only those
    it names. Each task is pickled on its own; carrying every suite of the run in each made a
    parallel run quadratic in the datasets (1,000 small ones: 17 s, against 8 s serially)."""
    from stewardgate.planning.reconcile import named_datasets

    peers = {name: options.datasets[name] for name in named_datasets(loaded) if name in options.datasets}
    return replace(options, datasets=peers)


def _judge_file(task: tuple[Path, str, Any, RunOptions]) -> Judged:
    """In a worker process: rebuild the (already validated) suite from its parsed YAML and judge it.

    Suites travel as their parsed YAML (``Located``: plain data and positions), as parametrised
    pydantic models do not pickle; validating that again takes ~0.1 ms, parsing the file ~50 ms.
    """
    from stewardgate.suite.loader import LoadedSuite
    from stewardgate.suite.models import Suite

    path, sha256, located, options = task
    return judge_suite(
        LoadedSuite(path=path, suite=Suite.model_validate(located.data), sha256=sha256, located=located), options
    )


def _in_worker() -> Any:
    """What a worker process runs: :func:`_judge_file`, warmed up by :func:`_warm_worker`."""
    from stewardgate.workers import Warmed

    return Warmed(_judge_file, _warm_worker)


def _warm_worker() -> None:
    """In a worker that has just started: the collector tuned as in the parent
    (:mod:`stewardgate.collector`), and what judging a dataset imports imported."""
    import importlib

    from stewardgate.collector import tune

    tune()
    for name in (
        "stewardgate.executors", "stewardgate.engines.gx", "stewardgate.engines.profile", "stewardgate.engines.rows",
        "stewardgate.engines.named_columns", "stewardgate.drift.run", "stewardgate.governance.stamp_match",
        "stewardgate.reconcile.figures", "stewardgate.readers.polars_reader",
    ):  # fmt: skip
        importlib.import_module(name)


def _worker_died(loaded: LoadedSuite, why: str, options: RunOptions) -> Judged:
    """The dataset whose worker process ended before it answered: an error for it alone."""
    return _failed_run(loaded, f"the worker process checking it ended ({why}) before it finished", options, _now())


def run_suite(loaded: LoadedSuite, options: RunOptions) -> DatasetRun:
    """Run one suite against its dataset (no store writes); see :func:`judge_suite`."""
    return judge_suite(loaded, options).run


def judge_suite(loaded: LoadedSuite, options: RunOptions) -> Judged:
    """Run one suite; an unreadable dataset (or history) becomes a failed DatasetRun, never an exception."""
    started = _now()
    suite = loaded.suite
    now = options.now or started
    as_of = options.as_of or now.date()
    moment = options.as_of_time or (_end_of(as_of) if options.as_of else now)
    policy = _policy(loaded, options)
    try:
        reader = reader_for(loaded, options.engine)
        scanned = reader.open(loaded, options, as_of)
        snapshot = _snapshot(scanned)
        with reader.prepared(scanned, profiled=needs_profile(loaded, options)) as ready:  # e.g. a CSV parsed once
            results, profile, anomalous = _check(loaded, reader, ready, snapshot, options, as_of, moment)
        results = apply_waivers(
            results, suite.waivers, dataset=suite.dataset.name, as_of=as_of, line_of=loaded.line_of,
            warn_days=options.governance.waiver_warn_days,
        )  # fmt: skip
    except (DatasetError, StoreError) as exc:  # StoreError: the history it is judged against is unreadable
        return _failed_run(loaded, str(exc), options, started)
    run = DatasetRun(
        **_identity(loaded, started),
        results=tuple(results),
        gate=decide(results, policy),
        finished_at=_now(),
        data=scanned.fingerprint,
        row_count=profile["row_count"],
        profile=profile,
    )
    from stewardgate.engines.profile import flatten_metrics

    return Judged(run, flatten_metrics(profile), anomalous, snapshot)


def _failed_run(loaded: LoadedSuite, error: str, options: RunOptions, started: datetime) -> Judged:
    """A dataset that could not be checked: no results, a gate that does not pass."""
    gate = unreadable(error, _policy(loaded, options))
    return Judged(DatasetRun(**_identity(loaded, started), results=(), gate=gate, finished_at=_now(), error=error))


def _identity(loaded: LoadedSuite, started: datetime) -> dict[str, Any]:
    """What every dataset run records about its suite, whatever became of the run."""
    suite = loaded.suite
    return dict(
        dataset=suite.dataset.name, suite_path=str(loaded.path), suite_sha256=loaded.sha256,
        stewardship=_stewardship_record(loaded), started_at=started,
    )  # fmt: skip


def _stewardship_record(loaded: LoadedSuite) -> dict[str, Any]:
    """The suite's stewardship as runs record it; with its declared upstreams, for the catalog."""
    suite = loaded.suite
    upstream = {"upstream": list(suite.lineage.upstream)} if suite.lineage is not None else {}
    return {**suite.stewardship.model_dump(mode="json"), **upstream}


def _check(
    loaded: LoadedSuite, reader: Reader, opened: Any, snapshot: dict[str, Any], options: RunOptions, as_of: date,
    moment: datetime,
) -> tuple[list[CheckResult], Profile, frozenset[tuple[str, str | None]]]:  # fmt: skip
    """The plan as the reader executes it: the reader measures it on the data (contract, compiled
    checks, expectations, profile, figures), then each executor after the pass
    (:data:`stewardgate.executors.AFTER_PASS`) judges its group of the plan on what it measured."""
    from stewardgate.engines.named_columns import judge_named_columns
    from stewardgate.executors import AFTER_PASS, Judging

    planned, masked = plan_suite(loaded, options.governance, reader), masked_columns(loaded)
    groups = by_executor(planned)
    if groups["history"]:  # the detectors (numpy) load while the data is read
        import_in_background("stewardgate.engines.anomalies")
    from stewardgate.reconcile.figures import reconcile_figures

    figures = [*governance_figures(groups["governance"], opened.schema, as_of, moment=moment, loaded=loaded),
               *(reconcile_figures(groups["reconcile"], opened.schema) if reader.name != "spark" else [])]  # fmt: skip
    measured = reader.measure(
        loaded, opened, planned, figures=figures,
        masked=masked, as_of=as_of, moment=moment, profiled=needs_profile(loaded, options), options=options,
    )  # fmt: skip
    store = (lambda: _open_store(options)) if options.use_store else None
    ctx = Judging(loaded, opened, measured, snapshot, as_of, masked, store, options, moment)
    after = {name: executor(groups[name], ctx) for name, executor in AFTER_PASS.items()}
    named = judge_named_columns(planned, opened.schema)  # the data executors' check read from the schema
    results = [
        *after["rows"].results, *measured.contract, *named, *measured.expected,
        *after["history"].results, *after["drift"].results, *after["governance"].results, *after["access"].results,
        *after["reconcile"].results,
    ]  # fmt: skip
    return results, measured.profile, after["history"].anomalous


def uses_spark(loaded: LoadedSuite, options: RunOptions) -> bool:
    """Spark reads and judges this suite's data: the run asks for it, or the suite does."""
    return reader_for(loaded, options.engine).name == "spark"


def _audit_events(run: DatasetRun, run_id: str, as_of: date, record: RunRecord) -> list[Any]:
    """The audit entries stored with a dataset run (``record``: it as stored): the run, and each waiver it used."""
    from stewardgate.governance.audit import run_events  # imports the store: only with a store

    return run_events(run, run_id=run_id, as_of=as_of, record=record)


def _policy(loaded: LoadedSuite, options: RunOptions) -> BlockingPolicy:
    """The suite's ``gate.fail_on`` when it sets one, else what its risk tier implies."""
    settings = options.governance
    gate = loaded.suite.gate
    declared = gate.fail_on if "gate" in loaded.suite.model_fields_set and "fail_on" in gate.model_fields_set else None
    tier = loaded.suite.stewardship.risk_tier
    return policy_for(declared, tier, dict(settings.fail_on_by_risk_tier.items()), settings.default_risk_tier)


def _check_spark_flags(suites: list[LoadedSuite], options: RunOptions) -> None:
    """A Spark flag on a run that reads nothing with Spark would be silently ignored: refuse it."""
    if options.spark_flags and not any(uses_spark(s, options) for s in suites):
        from stewardgate.errors import UsageError

        given = " and ".join(options.spark_flags)
        verb = "apply" if len(options.spark_flags) > 1 else "applies"
        raise UsageError(
            f"{given} {verb} only to data read by Spark, and no suite here is: add --engine spark, "
            "or set `engine: spark` in the suites that should run on Spark"
        )


def _check_waiver_approvals(suites: list[LoadedSuite], options: RunOptions) -> None:
    """A waiver approved by someone the settings do not allow is a suite error (nothing runs)."""
    from stewardgate.errors import SuiteError

    settings = options.governance
    as_of = options.as_of or _now().date()
    problems = [
        problem for loaded in suites
        for problem in (*approval_problems(loaded, settings), *length_problems(loaded, settings, as_of))
    ]  # fmt: skip
    if problems:
        raise SuiteError(problems)


def _references(loaded: LoadedSuite) -> bool:
    return any(c.references is not None for c in loaded.suite.columns.values())


def _check_reconcile_targets(suites: list[LoadedSuite]) -> None:
    """A reconciliation or reference naming a dataset no suite of the run declares: a suite error."""
    from stewardgate.planning.reconcile import target_problems

    problems = target_problems(suites)
    if problems:
        from stewardgate.errors import SuiteError

        raise SuiteError(problems)


def _check_lineage_and_uses(suites: list[LoadedSuite], options: RunOptions) -> None:
    """Lineage cycles, unknown use names (suite errors) and an unknown --purpose (usage error)."""
    from stewardgate.governance.uses import check_declarations, check_purpose

    check_purpose(options.governance.purpose, options.governance)
    check_declarations(suites, options.governance)


def _open_store(options: RunOptions) -> Any:
    from stewardgate.store import open_store

    path = options.store_path or DEFAULT_STORE_PATH
    return open_store(options.store_url, default_path=path, actor=options.actor)


def needs_profile(loaded: LoadedSuite, options: RunOptions) -> bool:
    """The metric profile is computed when it is kept (a store) or judged (anomaly rules, drift)."""
    return options.use_store or bool(loaded.suite.anomalies) or loaded.suite.drift is not None


def _snapshot(scanned: ScannedDataset) -> dict[str, Any]:
    """The physical schema the run saw: columns in order with dtypes, and file metadata."""
    return {
        "columns": [{"name": n, "dtype": str(t)} for n, t in scanned.schema.items()],
        "metadata": scanned.metadata,
    }


def _end_of(as_of: date) -> datetime:
    """With --as-of, freshness is measured at the end of that day (midnight UTC after it)."""
    return datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)
