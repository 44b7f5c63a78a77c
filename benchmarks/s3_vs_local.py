"""The core suite on the same Parquet file read locally and from S3 (a moto server on 127.0.0.1).

What reading through S3 costs next to a local file, on the same machine in the same run: each
round runs ``stewardgate run`` on the local file and then on the uploaded object (fresh
processes, interleaved), and every run's figures are checked against the planted truth. The
limit here is the local run; the S3 figure includes moto's Python HTTP server, so it is an
upper bound for a real endpoint only in the sense of "an in-process fake on loopback".

Runs inside ``unshare --net`` (loopback only, fake keys, ``AWS_EC2_METADATA_DISABLED``): it
re-executes itself there when started outside (root needed).

    .venv/bin/python benchmarks/s3_vs_local.py --rows 1M --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import figures
import orders_spec as spec
from procs import run_measured
from run import HERE, PYTHON, dataset, fill_suite

BUCKET = "sg-bench"


def _inside(args: argparse.Namespace) -> int:
    from moto.server import ThreadedMotoServer

    data, truth = dataset(args.rows, args.seed, Path(args.data_dir))
    exp = figures.expected(truth)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        env = {**os.environ, "AWS_ENDPOINT_URL": f"http://{host}:{port}", "NO_COLOR": "1"}
        _upload(data, env)
        paths = {"local": str(data), "s3": f"s3://{BUCKET}/orders/{data.name}"}
        walls: dict[str, list[float]] = {k: [] for k in paths}
        for _ in range(args.rounds):
            for where, path in paths.items():
                walls[where].append(_measure(path, args.rows, exp, env, where))
    finally:
        server.stop()
    medians = {k: statistics.median(v) for k, v in walls.items()}
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(json.dumps({"rows": args.rows, "rounds": args.rounds, "wall_s": walls, "median_s": medians,
                      "s3_over_local": round(medians["s3"] / medians["local"], 3), "loadavg": load,
                      "bytes": data.stat().st_size}))  # fmt: skip
    return 0


def _upload(data: Path, env: dict[str, str]) -> None:
    import boto3

    client = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name=env["AWS_REGION"])
    client.create_bucket(Bucket=BUCKET)
    client.upload_file(str(data), BUCKET, f"orders/{data.name}")


def _measure(path: str, rows: int, exp: dict[str, Any], env: dict[str, str], where: str) -> float:
    with tempfile.TemporaryDirectory(prefix=f"sg-s3-{where}-") as tmp:
        work = Path(tmp)
        suite = fill_suite(HERE / "suite_core.yml", Path(path), rows, work / "orders.yml")
        if where == "s3":  # Path() would fold the URL's '//'
            suite.write_text(suite.read_text().replace(str(Path(path)), path))
        argv = [
            PYTHON,
            "-m",
            "stewardgate",
            "run",
            str(suite),
            "--json",
            str(work / "run.json"),
            "--quiet",
            "--no-history",
        ]
        m = run_measured(argv, cwd=work, env=env, timeout=900)
        if m.exit_code != 1:
            raise SystemExit(f"{where}: exit {m.exit_code} (want 1: planted defects fail the gate)\n{m.stderr[-2000:]}")
        got, problems = figures.from_stewardgate(work / "run.json", exp, full=False)
        problems += figures.compare("stewardgate-core", got, exp)
        if problems:
            raise SystemExit(f"{where}: figures differ from the planted truth: {problems}")
        print(f"{where:<6} {m.wall_s:7.2f} s  (figures match the truth)", file=sys.stderr, flush=True)
        return round(m.wall_s, 3)


def _outside(argv: list[str]) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STEWARDGATE_", "PANDERA_"))}
    env.update(STEWARDGATE_S3_NAMESPACE="1", AWS_EC2_METADATA_DISABLED="true", AWS_ACCESS_KEY_ID="AKIABENCHFAKE",
               AWS_SECRET_ACCESS_KEY="bench-fake-secret", AWS_REGION="us-east-1")  # fmt: skip
    inner = shlex.join([PYTHON, str(Path(__file__).resolve()), *argv])
    return subprocess.run(
        ["unshare", "--net", "--", "bash", "-c", f"ip link set lo up && exec {inner}"], env=env
    ).returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=spec.parse_rows, default=spec.parse_rows("1M"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data-dir", default="/tmp/sg-bench")
    args = parser.parse_args(argv)
    return _inside(args) if os.environ.get("STEWARDGATE_S3_NAMESPACE") == "1" else _outside(argv)


if __name__ == "__main__":
    raise SystemExit(main())
