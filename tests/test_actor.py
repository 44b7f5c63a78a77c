"""Who ran: user and host always, the CI job where the CI's standard variables say so."""

from __future__ import annotations

import pytest

from stewardgate.actor import actor_from


@pytest.mark.parametrize(("environ", "ci"), [
    ({}, None),
    ({"GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/data",
      "GITHUB_RUN_ID": "42", "GITHUB_WORKFLOW": "nightly", "GITHUB_JOB": "gate"},
     ("github-actions", "https://github.com/acme/data/actions/runs/42 (nightly / gate)")),
    ({"GITLAB_CI": "true", "CI_JOB_URL": "https://gitlab.example.com/acme/data/-/jobs/7"},
     ("gitlab-ci", "https://gitlab.example.com/acme/data/-/jobs/7")),
    ({"JENKINS_URL": "https://ci.example.com/", "JOB_NAME": "nightly", "BUILD_NUMBER": "12"}, ("jenkins", "nightly #12")),
    ({"CIRCLECI": "true", "CIRCLE_BUILD_URL": "https://circleci.com/gh/acme/data/3"}, ("circleci", "https://circleci.com/gh/acme/data/3")),
    ({"BUILDKITE": "true", "BUILDKITE_BUILD_URL": "https://buildkite.com/acme/data/builds/5"}, ("buildkite", "https://buildkite.com/acme/data/builds/5")),
    ({"TF_BUILD": "True", "BUILD_DEFINITIONNAME": "nightly", "BUILD_BUILDID": "9"}, ("azure-pipelines", "nightly build 9")),
    ({"CI": "true"}, ("unknown", "")),
])  # fmt: skip
def test_the_actor_names_the_ci_job(environ: dict[str, str], ci: tuple[str, str] | None) -> None:
    actor = actor_from(environ, user="build", host="runner-1")
    expected = {"user": "build", "host": "runner-1"}
    if ci is not None:
        expected |= {"ci": ci[0], "ci_job": ci[1]}
    assert actor == expected
