"""The recipes in ``docs/recipes/`` and ``.pre-commit-hooks.yaml`` work as written.

Each recipe is parsed the way its consumer reads it (GitHub Actions and pre-commit: YAML;
systemd: INI sections; cron: five time fields and a shell command; Airflow: Python). Every
``stewardgate`` command in it is parsed by the CLI itself (an unknown command or option
fails), and then run on the sample suites in a scratch folder laid out as the recipe expects
(``suites/``, ``sample_data/`` and ``.venv/bin/stewardgate``), with the recipe's install root
(``/srv/stewardgate``) mapped to it. Nothing here imports Airflow or needs pre-commit.
"""

from __future__ import annotations

import ast
import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).parent.parent.parent
RECIPES = REPO / "docs" / "recipes"
BIN = Path(sys.executable).parent
SERVER_ROOT = "/srv/stewardgate"
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")


# --- helpers --------------------------------------------------------------------------------


def _yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _shell_commands(script: str) -> list[list[str]]:
    """The simple commands of a shell snippet: continuations joined, ``&&`` split, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", script)
    return [
        words
        for line in joined.splitlines()
        for part in line.split("&&")
        if (words := shlex.split(part, comments=True))
    ]


def _stewardgate_args(words: list[str]) -> list[str] | None:
    """The arguments given to the ``stewardgate`` program (by any path), up to a redirection."""
    if not words or Path(words[0]).name != "stewardgate":
        return None
    args: list[str] = []
    for word in words[1:]:
        if word.startswith((">", "2>", "|")):
            break
        args.append(word)
    return args


def parse_with_the_cli(args: list[str]) -> str:
    """Parse ``stewardgate ARGS`` with the real click commands, without running anything.

    Returns the subcommand's name; raises ``click.UsageError`` for an unknown command or option.
    """
    from stewardgate.cli import cli

    ctx = click.Context(cli, info_name="stewardgate")
    name, *rest = args
    command = cli.get_command(ctx, name)
    if command is None:
        raise click.UsageError(f"no such command {name!r}", ctx)
    with command.make_context(name, rest, parent=ctx):
        return name


def _env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment without stewardgate/pandera/colour/CI settings, plus ``extra``."""
    drop = ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "CI", "GITHUB_STEP_SUMMARY")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEWARDGATE_", "PANDERA_")) and k not in drop}
    return {**env, "PATH": f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}", **(extra or {})}


def _run(words: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(words, cwd=cwd, env=_env(env), capture_output=True, text=True, timeout=300, check=False)


def _site(root: Path, suites: Path = REPO / "suites") -> Path:
    """A scratch install: ``suites/`` (from ``suites``), ``sample_data/`` and ``.venv/bin/stewardgate``."""
    (root / "suites").mkdir(parents=True)
    for suite in suites.glob("*.yml"):
        text = suite.read_text(encoding="utf-8").replace("path: ../../sample_data/", "path: ../sample_data/")
        (root / "suites" / suite.name).write_text(text, encoding="utf-8")
    shutil.copytree(REPO / "sample_data", root / "sample_data", ignore=shutil.ignore_patterns("*.py", "*.md"))
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "stewardgate").symlink_to(BIN / "stewardgate")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The passing sample suites, installed as the recipes expect."""
    return _site(tmp_path / "site")


def test_the_cli_parser_catches_mistakes() -> None:
    assert parse_with_the_cli(["run", "suites/", "--junit", "x.xml"]) == "run"
    for bad in (["run", "suites/", "--junti", "x.xml"], ["runn", "suites/"], ["validate"]):
        with pytest.raises(click.UsageError):
            parse_with_the_cli(bad)


# --- GitHub Actions -------------------------------------------------------------------------


def _workflow_commands(workflow: dict[str, Any]) -> list[list[str]]:
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    args = [_stewardgate_args(words) for s in steps if "run" in s for words in _shell_commands(s["run"])]
    return [a for a in args if a is not None]


def _artifact_paths(workflow: dict[str, Any]) -> list[str]:
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    (upload,) = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert upload.get("if") == "always()", "reports must be uploaded when the gate fails too"
    return str(upload["with"]["path"]).split()


@pytest.mark.subprocess
@pytest.mark.parametrize("name", ["github-pr-gate.yml", "github-nightly.yml"])
def test_workflow_commands_are_valid_invocations(name: str) -> None:
    workflow = _yaml(RECIPES / name)
    commands = _workflow_commands(workflow)
    assert [c[0] for c in commands] == (["validate", "run"] if "pr" in name else ["run"])
    for args in commands:
        assert parse_with_the_cli(args) == args[0]
        done = _run(["stewardgate", args[0], "--help"], REPO)
        assert done.returncode == 0 and done.stdout.startswith(f"Usage: stewardgate {args[0]} "), done.stderr
        assert "--github" in args and "--junit" in args or args[0] == "validate"


@pytest.mark.subprocess
def test_pr_gate_triggers_and_runs_on_the_samples(site: Path) -> None:
    workflow = _yaml(RECIPES / "github-pr-gate.yml")
    assert "pull_request" in workflow["on"]
    summary = site / "step-summary.md"
    for args in _workflow_commands(workflow):
        done = _run(["stewardgate", *args], site, {"GITHUB_STEP_SUMMARY": str(summary)})
        assert done.returncode == 0, done.stdout + done.stderr
    assert all((site / p).is_file() for p in _artifact_paths(workflow))
    assert summary.read_text(encoding="utf-8").startswith("## ✅ stewardgate: gate passed")


@pytest.mark.subprocess
def test_pr_gate_on_failing_data_annotates_the_suite_lines(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", REPO / "examples" / "failing")
    workflow = _yaml(RECIPES / "github-pr-gate.yml")
    validate, run = _workflow_commands(workflow)
    assert _run(["stewardgate", *validate], site).returncode == 0
    done = _run(["stewardgate", *run], site, {"GITHUB_STEP_SUMMARY": str(site / "summary.md")})
    assert done.returncode == 1
    assert "::error file=suites/orders.yml,line=22,title=orders.columns.amount.min::" in done.stdout
    assert all((site / p).is_file() for p in _artifact_paths(workflow)), "the reports exist for the upload"


@pytest.mark.subprocess
def test_nightly_workflow_runs_with_its_store(site: Path) -> None:
    workflow = _yaml(RECIPES / "github-nightly.yml")
    (cron,) = [entry["cron"] for entry in workflow["on"]["schedule"]]
    assert all(CRON_FIELD.match(f) for f in cron.split()) and len(cron.split()) == 5
    assert "workflow_dispatch" in workflow["on"]
    (job,) = workflow["jobs"].values()
    assert job["env"]["STEWARDGATE_STORE"] == "${{ secrets.STEWARDGATE_STORE }}"
    store = site / "history.db"
    for args in _workflow_commands(workflow):
        done = _run(
            ["stewardgate", *args],
            site,
            {"STEWARDGATE_STORE": f"sqlite:///{store}", "GITHUB_STEP_SUMMARY": str(site / "s.md")},
        )
        assert done.returncode == 0, done.stdout + done.stderr
    assert all((site / p).is_file() for p in _artifact_paths(workflow))
    assert store.is_file()


# --- cron -----------------------------------------------------------------------------------


def _crontab() -> tuple[dict[str, str], list[str], str]:
    """(environment lines, the five time fields, the command) of the recipe's one job."""
    env, jobs = {}, []
    for line in (RECIPES / "stewardgate.crontab").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.match(r"^[A-Z_]+=", line):
            key, value = line.split("=", 1)
            env[key] = value
        else:
            jobs.append(line)
    (job,) = jobs
    *fields, command = job.split(None, 5)
    return env, fields, command


def test_cron_line_is_well_formed() -> None:
    env, fields, command = _crontab()
    assert len(fields) == 5 and all(CRON_FIELD.match(f) for f in fields), fields
    assert "%" not in command.replace(r"\%", ""), "an unescaped % ends a cron command"
    (args,) = [a for words in _shell_commands(command) if (a := _stewardgate_args(words)) is not None]
    assert parse_with_the_cli(args) == "run" and "--store" in args
    assert env == {"NO_COLOR": "1"}


@pytest.mark.subprocess
def test_cron_command_runs(site: Path) -> None:
    env, _, command = _crontab()
    done = _run(["/bin/sh", "-c", command.replace(SERVER_ROOT, str(site))], site, env)
    assert done.returncode == 0, done.stdout + done.stderr
    log = (site / "logs" / "nightly.log").read_text(encoding="utf-8")
    assert log.splitlines()[-1] == "gate: PASSED (3 of 3 datasets passed, exit 0)"
    assert "\x1b[" not in log and "checking" not in log
    assert (site / "reports" / "nightly.html").is_file() and (site / "history" / "history.db").is_file()


# --- systemd --------------------------------------------------------------------------------


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True, comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string((RECIPES / "systemd" / name).read_text(encoding="utf-8"), source=name)
    return parser


def test_systemd_units_fit_together() -> None:
    service, timer = _unit("stewardgate-nightly.service"), _unit("stewardgate-nightly.timer")
    assert service.sections() == ["Unit", "Service"]
    assert service["Service"]["Type"] == "oneshot"
    assert Path(service["Service"]["WorkingDirectory"]).is_absolute()
    program, *args = shlex.split(service["Service"]["ExecStart"])
    assert Path(program).is_absolute() and Path(program).name == "stewardgate"
    assert parse_with_the_cli(args) == "run" and "--store" in args
    assert timer.sections() == ["Unit", "Timer", "Install"]
    assert timer["Timer"]["Unit"] == "stewardgate-nightly.service"
    assert timer["Timer"]["OnCalendar"] == "*-*-* 05:15:00" and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.subprocess
def test_systemd_exec_start_runs(site: Path) -> None:
    service = _unit("stewardgate-nightly.service")["Service"]
    env = dict(item.split("=", 1) for item in shlex.split(service["Environment"]))
    words = [w.replace(SERVER_ROOT, str(site)) for w in shlex.split(service["ExecStart"])]
    cwd = Path(service["WorkingDirectory"].replace(SERVER_ROOT, str(site)))
    done = _run(words, cwd, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "gate: PASSED (3 of 3 datasets passed, exit 0)"
    assert (site / "reports" / "nightly.json").is_file() and (site / "history" / "history.db").is_file()


# --- Airflow --------------------------------------------------------------------------------


def _dag() -> ast.Module:
    return ast.parse((RECIPES / "airflow_stewardgate_dag.py").read_text(encoding="utf-8"))


def _gate_function() -> Any:
    """``run_quality_gate`` from the DAG file, compiled alone (the file imports Airflow)."""
    (func,) = [n for n in _dag().body if isinstance(n, ast.FunctionDef) and n.name == "run_quality_gate"]
    future = ast.ImportFrom(module="__future__", names=[ast.alias(name="annotations")], level=0)
    module = ast.fix_missing_locations(ast.Module(body=[future, func], type_ignores=[]))
    namespace: dict[str, Any] = {"__name__": "airflow_recipe"}
    exec(compile(module, "airflow_stewardgate_dag.py", "exec"), namespace)  # noqa: S102
    return namespace["run_quality_gate"]


def test_the_dag_calls_the_gate_with_the_logical_date() -> None:
    tree = _dag()
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "PythonOperator"]
    (operator,) = calls
    keywords = {k.arg: k.value for k in operator.keywords}
    assert isinstance(keywords["python_callable"], ast.Name) and keywords["python_callable"].id == "run_quality_gate"
    op_kwargs = ast.literal_eval(
        ast.unparse(keywords["op_kwargs"]).replace("SUITES", "'s'").replace("REPORTS", "'r'").replace("STORE", "'x'")
    )
    assert op_kwargs["ds"] == "{{ ds }}"
    top_level = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    assert not [n for n in top_level if "stewardgate" in ast.unparse(n)], "import stewardgate inside the task"


def test_the_gate_function_runs_on_the_samples(site: Path, tmp_path: Path) -> None:
    gate = _gate_function()
    store = f"sqlite:///{tmp_path / 'history.db'}"
    summary = gate(suites=str(site / "suites"), reports=str(tmp_path / "reports"), ds="2026-11-26", store=store)
    assert (summary["passed"], summary["exit_code"], summary["blocked"]) == (True, 0, [])
    assert summary["reports"] == [str(tmp_path / "reports" / "2026-11-26" / n) for n in ("run.json", "report.html")]
    assert all(Path(p).is_file() for p in summary["reports"])


def test_the_gate_function_fails_the_task_on_a_failed_gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class AirflowFailException(Exception):
        """Stands in for airflow.exceptions.AirflowFailException."""

    stub = types.ModuleType("airflow.exceptions")
    stub.AirflowFailException = AirflowFailException  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "airflow", types.ModuleType("airflow"))
    monkeypatch.setitem(sys.modules, "airflow.exceptions", stub)
    site = _site(tmp_path / "site", REPO / "examples" / "failing")
    with pytest.raises(AirflowFailException, match=r"gate failed for customers, events, orders; see .*report\.html"):
        _gate_function()(
            suites=str(site / "suites"),
            reports=str(tmp_path / "r"),
            ds="2026-11-26",
            store=f"sqlite:///{tmp_path / 'h.db'}",
        )


# --- pre-commit -----------------------------------------------------------------------------


def _hook() -> dict[str, Any]:
    hooks = _yaml(REPO / ".pre-commit-hooks.yaml")
    (hook,) = hooks
    return dict(hook)


def test_pre_commit_hook_manifest() -> None:
    hook = _hook()
    assert {"id", "name", "entry", "language"} <= hook.keys()
    assert (hook["id"], hook["entry"], hook["language"]) == ("stewardgate-validate", "stewardgate validate", "python")
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert shlex.split(hook["entry"])[0] in scripts, "language: python installs this package's scripts"
    files = re.compile(hook["files"])
    for path in ("suites/orders.yml", "data/suites/x.yaml", "suites/nested/orders.yml"):
        assert files.search(path), path
    for path in (".github/workflows/ci.yml", "docs/recipes/github-pr-gate.yml", "suites/stewardgate-suite.schema.json"):
        assert not files.search(path), path


@pytest.mark.subprocess
def test_pre_commit_entry_validates_the_changed_suites(tmp_path: Path) -> None:
    entry = shlex.split(_hook()["entry"])
    done = _run([*entry, "suites/orders.yml", "suites/customers.yml"], REPO)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[-1] == "2 suites valid"
    broken = tmp_path / "suites" / "orders.yml"
    broken.parent.mkdir()
    broken.write_text(
        (REPO / "suites" / "orders.yml").read_text(encoding="utf-8").replace("min: 0", "mni: 0", 1), encoding="utf-8"
    )
    done = _run([*entry, "suites/orders.yml"], tmp_path)
    assert done.returncode == 2
    assert re.match(
        r"suites/orders\.yml:\d+:\d+: columns\.amount\.mni: unknown key \(did you mean 'min'\?", done.stderr
    ), done.stderr
