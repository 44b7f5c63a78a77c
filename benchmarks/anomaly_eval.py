"""How stewardgate's default anomaly rules do on real nightly data with injected faults.

For each real dataset (``benchmarks/anomaly_data.py``): one parquet partition a night, the
three fault kinds injected on 30 seeded nights, a suite of six plain rules with every default
and ``gate: {fail_on: warn}``, then one ``stewardgate run --as-of NIGHT`` a night (the library
call behind it, ``run_paths``) into a fresh SQLite store. The same run's measured values also
feed the anchor: a plain mean/std z-score over the last 14 nights, alerting beyond 3.

Prints, per dataset and detector: faulty nights caught, clean nights alerted, and the cost of
the judge (all of a dataset's anomaly rules, one night)::

    .venv/bin/python benchmarks/anomaly_eval.py                 # both datasets, every night
    .venv/bin/python benchmarks/anomaly_eval.py --nights 120 --per-kind 4 --datasets pizzaplace
    .venv/bin/python benchmarks/anomaly_eval.py --replay        # judge stored history only

``--replay`` judges the metric series a full run stored (``stewardgate backtest``'s path),
in seconds, to compare detector settings without re-reading the data.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from anomaly_data import DATASETS, JUDGED, Fault, RealDataset, inject, nights, plan_faults  # noqa: E402

SEED = 15


@dataclass(frozen=True)
class Score:
    """One detector on one dataset: which nights alerted, against which were faulty."""

    detector: str
    alerted: frozenset[date]
    faults: frozenset[date]
    nights: int

    @property
    def caught(self) -> int:
        return len(self.alerted & self.faults)

    @property
    def clean_alerts(self) -> list[date]:
        return sorted(self.alerted - self.faults)

    def line(self, dataset: str) -> str:
        clean = self.nights - len(self.faults)
        return (
            f"| {dataset} | {self.detector} | {self.caught}/{len(self.faults)} | {len(self.clean_alerts)} of {clean} |"
        )


@dataclass(frozen=True)
class Prepared:
    dataset: RealDataset
    suite: Path
    store: str
    days: tuple[date, ...]
    faults: tuple[Fault, ...]


def prepare(
    dataset: RealDataset, root: Path, *, seed: int, limit: int | None, per_kind: int, skip: int = 0
) -> Prepared:
    """Write the nightly partitions (faults injected) and the suite; return what was planted.
    ``skip`` leaves out the first nights (the store starts empty on the night after them)."""
    frame = dataset.load()
    days = nights(frame)[skip:][:limit]
    faults = plan_faults(dataset, days, seed, per_kind=per_kind)
    by_night = {f.night: f for f in faults}
    data = root / dataset.name / "data"
    data.mkdir(parents=True, exist_ok=True)
    for day, part in frame.filter(frame["night"].is_between(days[0], days[-1])).group_by("night"):
        night = day[0]
        part = part.drop("night")
        if night in by_night:
            part = inject(part, by_night[night], dataset, seed)
        part.write_parquet(data / f"{night}.parquet")
    suite = root / dataset.name / "suite.yml"
    suite.write_text(
        f'version: 1\ndataset: {{name: {dataset.name}, path: "data/{{as_of}}.parquet"}}\n'
        "stewardship: {owner: eval@example.com, steward: eval@example.com, classification: internal, risk_tier: low}\n"
        f"{dataset.anomalies_yaml()}\ngate: {{fail_on: warn}}\n"
    )
    store = f"sqlite:///{root / dataset.name / 'history.db'}"
    return Prepared(dataset, suite, store, tuple(days), tuple(faults))


def run_nights(prep: Prepared) -> dict[str, list[tuple[date, str, float]]]:
    """One ``run --as-of`` a night; per check id, the (night, status, observed value) it got."""
    from stewardgate.runner import RunOptions, run_paths

    seen: dict[str, list[tuple[date, str, float]]] = {}
    for day in prep.days:
        run = run_paths([prep.suite], RunOptions(as_of=day, use_store=True, store_url=prep.store))
        (result,) = run.datasets
        if result.error:
            raise RuntimeError(f"{prep.dataset.name} {day}: {result.error}")
        for r in result.results:
            if r.check == "anomaly":
                seen.setdefault(r.check_id, []).append((day, r.status.value, float(r.observed)))
    return seen


def replay_stored(prep: Prepared) -> dict[str, list[tuple[date, str, float]]]:
    """The same shape from the stored history, judged again by ``replay`` (backtest's path)."""
    from stewardgate.detectors.anomaly import replay
    from stewardgate.planning import anomaly_check_id
    from stewardgate.store import open_store
    from stewardgate.suite.loader import load_suites

    (loaded,) = load_suites([prep.suite])
    seen: dict[str, list[tuple[date, str, float]]] = {}
    with open_store(prep.store, default_path=Path("unused.db"), create=False) as db:
        for rule in loaded.suite.anomalies:
            for column in rule.targets():
                series = [(p.as_of, p.value) for p in db.metric_series(prep.dataset.name, rule.metric, column)]
                verdicts = replay(series, rule)
                key = anomaly_check_id(prep.dataset.name, rule.metric, column)
                seen[key] = [(d, _STATUS[v.level], x) for (d, x), v in zip(series, verdicts)]
    return seen


_STATUS = {"ok": "passed", "learning": "skipped", "warn": "warned", "error": "failed"}


def scores(prep: Prepared, seen: dict[str, list[tuple[date, str, float]]]) -> list[Score]:
    from stewardgate.detectors.anchor import ANCHOR_RUNS, ANCHOR_Z, anchor_alerts

    faults = frozenset(f.night for f in prep.faults)
    ours = {d for checks in seen.values() for d, status, _ in checks if status in ("warned", "failed")}
    anchor = set().union(*(anchor_alerts([(d, v) for d, _, v in c]) for c in seen.values()))
    return [
        Score("stewardgate defaults", frozenset(ours), faults, len(prep.days)),
        Score(f"mean/std z > {ANCHOR_Z:g}, last {ANCHOR_RUNS} nights", frozenset(anchor), faults, len(prep.days)),
    ]


def judge_cost(prep: Prepared, rounds: int = 20) -> float:
    """Seconds to judge all of the dataset's rules for its last night against the stored history
    (what a run spends in the detector), the median of ``rounds``."""
    from stewardgate.detectors.anomaly import Point, judge, lookback_runs
    from stewardgate.store import open_store
    from stewardgate.suite.loader import load_suites

    (loaded,) = load_suites([prep.suite])
    last = prep.days[-1]
    with open_store(prep.store, default_path=Path("unused.db"), create=False) as db:
        work = []
        for rule in loaded.suite.anomalies:
            for column in rule.targets():
                series = db.metric_series(prep.dataset.name, rule.metric, column)
                past = [p for p in series if p.as_of < last][-lookback_runs(rule) :]
                work.append((past, Point(last, series[-1].value), rule))
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for past, point, rule in work:
            judge(past, point, rule)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def evaluate(
    names: Iterable[str], root: Path, *, seed: int = SEED, limit: int | None = None,
    per_kind: int = 10, replay_only: bool = False, skip: int = 0,
) -> dict[str, tuple[Prepared, list[Score], float]]:  # fmt: skip
    """Every dataset in ``names``: prepare (unless ``replay_only``), run night by night, score."""
    out = {}
    for name in names:
        dataset = DATASETS[name]
        prep = prepare(dataset, root, seed=seed, limit=limit, per_kind=per_kind, skip=skip)
        seen = replay_stored(prep) if replay_only else run_nights(prep)
        out[name] = (prep, scores(prep, seen), judge_cost(prep))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(JUDGED), help=f"comma-separated, of {', '.join(DATASETS)}")
    parser.add_argument("--nights", type=int, default=None, help="first N nights only")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N nights")
    parser.add_argument("--per-kind", type=int, default=10, help="faults of each kind (default 10)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--root", type=Path, default=None, help="work folder (default: a temp dir)")
    parser.add_argument("--replay", action="store_true", help="judge the history a full run left in --root")
    parser.add_argument("--list", action="store_true", help="print the nights each detector alerted")
    args = parser.parse_args(argv)
    if args.replay and args.root is None:
        parser.error("--replay needs the --root of an earlier full run")
    root = args.root or Path(tempfile.mkdtemp(prefix="sg-anomaly-eval-"))
    started = time.perf_counter()
    results = evaluate(args.datasets.split(","), root, seed=args.seed, limit=args.nights,
                       per_kind=args.per_kind, replay_only=args.replay, skip=args.skip)  # fmt: skip
    print("| dataset | detector | faulty nights caught | clean nights alerted |")
    print("|---|---|---|---|")
    for name, (_, found, _) in results.items():
        for score in found:
            print(score.line(name))
    for name, (prep, found, cost) in results.items():
        print(f"{name}: {len(prep.days)} nights {prep.days[0]}..{prep.days[-1]}; judge {cost * 1000:.1f} ms a run")
        if args.list:
            for score in found:
                kinds = {f.night: f"{f.night} {f.kind}{' ' + f.column if f.column else ''}" for f in prep.faults}
                print(f"  {score.detector}: missed {[kinds[d] for d in sorted(score.faults - score.alerted)]}")
                print(f"    clean alerts {[str(d) for d in score.clean_alerts]}")
    print(f"work folder {root}; {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
