"""Who or what is running stewardgate: the actor every audit entry records.

``user`` and ``host`` always; ``ci`` (the CI system) and ``ci_job`` (the job or its URL) when
a CI's standard environment variables say so: GitHub Actions, GitLab CI, Jenkins, CircleCI,
Buildkite, Azure Pipelines, and ``CI=true`` for any other.
"""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Callable, Mapping

_CI: tuple[tuple[str, str, Callable[[Mapping[str, str]], str]], ...] = (
    ("GITHUB_ACTIONS", "github-actions", lambda e: (
        f"{e.get('GITHUB_SERVER_URL', 'https://github.com')}/{e.get('GITHUB_REPOSITORY', '?')}/actions/runs/"
        f"{e.get('GITHUB_RUN_ID', '?')} ({e.get('GITHUB_WORKFLOW', '?')} / {e.get('GITHUB_JOB', '?')})"
    )),
    ("GITLAB_CI", "gitlab-ci", lambda e: e.get("CI_JOB_URL") or f"job {e.get('CI_JOB_ID', '?')}"),
    ("JENKINS_URL", "jenkins", lambda e: e.get("BUILD_URL") or f"{e.get('JOB_NAME', '?')} #{e.get('BUILD_NUMBER', '?')}"),
    ("CIRCLECI", "circleci", lambda e: e.get("CIRCLE_BUILD_URL") or f"job {e.get('CIRCLE_JOB', '?')}"),
    ("BUILDKITE", "buildkite", lambda e: e.get("BUILDKITE_BUILD_URL") or f"build {e.get('BUILDKITE_BUILD_NUMBER', '?')}"),
    ("TF_BUILD", "azure-pipelines", lambda e: f"{e.get('BUILD_DEFINITIONNAME', '?')} build {e.get('BUILD_BUILDID', '?')}"),
)  # fmt: skip


def actor_from(environ: Mapping[str, str], *, user: str, host: str) -> dict[str, str]:
    """The actor for this environment (pure: the caller supplies user and host)."""
    actor = {"user": user, "host": host}
    for marker, name, job in _CI:
        if environ.get(marker):
            return {**actor, "ci": name, "ci_job": job(environ)}
    if environ.get("CI", "").lower() in ("true", "1", "yes"):
        return {**actor, "ci": "unknown", "ci_job": ""}
    return actor


def current_actor() -> dict[str, str]:
    """This process's actor: its login name, this machine's name, the CI job if any."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name and no USER/LOGNAME (e.g. a container's uid)
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return actor_from(os.environ, user=user, host=socket.gethostname())
