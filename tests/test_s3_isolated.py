"""The S3 tests (tests/s3) run inside a network namespace that has only loopback.

``unshare --net`` (we are root) gives the child pytest a namespace of its own with nothing but
``lo``: the moto server on 127.0.0.1 is reachable, every other address (an instance-metadata
service, AWS itself) is not. The child gets fake credentials and ``AWS_EC2_METADATA_DISABLED``,
and none of the caller's ``AWS_*`` variables. This test fails, never skips, when ``unshare``,
``ip`` or moto is missing (``.ci/run`` installs util-linux and iproute2).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parent.parent


def _namespace_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STEWARDGATE_"))}
    src = str(REPO / "src")
    env.update(STEWARDGATE_S3_NAMESPACE="1", AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null",
               PYTHONPATH=os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p))  # fmt: skip
    return env


def _in_namespace(*command: str) -> subprocess.CompletedProcess[str]:
    assert shutil.which("unshare"), "unshare (util-linux) is needed: the S3 tests run in a network namespace"
    assert shutil.which("ip"), "ip (iproute2) is needed to bring up loopback in the namespace"
    script = "ip link set lo up && exec " + shlex.join(command)
    return subprocess.run(
        ["unshare", "--net", "--", "bash", "-c", script], cwd=REPO, env=_namespace_env(),
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


def test_the_s3_tests_pass_inside_a_loopback_only_namespace() -> None:
    import moto  # noqa: F401  (a missing dev dependency fails here, before the child runs)

    proc = _in_namespace(sys.executable, "-m", "pytest", "tests/s3", "-p", "no:cacheprovider", "-q", "-x")
    tail = (proc.stdout + proc.stderr)[-4000:]
    assert proc.returncode == 0, tail
    summary = re.search(r"^(\d+) passed(?:, [^\n]*)? in ", proc.stdout, re.MULTILINE)
    assert summary and int(summary[1]) >= 10 and "skipped" not in summary[0] and "failed" not in summary[0], tail


def test_the_namespace_has_no_route_beyond_loopback() -> None:
    """Connecting to an instance-metadata address or a public one fails at once, from inside."""
    probe = (
        "import socket, time\n"
        "for host in ('169.254.169.254', '192.0.2.1', '8.8.8.8'):\n"
        "    s = socket.socket(); s.settimeout(5); t = time.monotonic()\n"
        "    try:\n"
        "        s.connect((host, 80)); print('CONNECTED', host)\n"
        "    except OSError as exc:\n"
        "        print('refused', host, exc.errno, round(time.monotonic() - t, 3))\n"
    )
    proc = _in_namespace(sys.executable, "-c", probe)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 3 and all(line.startswith("refused ") for line in lines), proc.stdout
    assert all(int(line.split()[2]) == 101 and float(line.split()[3]) < 1.0 for line in lines), (
        proc.stdout
    )  # ENETUNREACH
