"""Settings, loaded once into an immutable object.

Precedence, last wins: built-in defaults < ``[tool.stewardgate]`` in the nearest
``pyproject.toml`` (from the working folder upwards) < ``STEWARDGATE_*`` environment variables
< command-line flags. No other module reads the environment for settings.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from stewardgate.errors import SettingsError
from stewardgate.levels import Classification, RiskTier
from stewardgate.locations import DEFAULT_STORE_PATH as DEFAULT_STORE_PATH  # the one place it is set
from stewardgate.notify.config import NotifySettings
from stewardgate.s3_settings import S3Settings

ENV_PREFIX = "STEWARDGATE_"


StewardshipField = Literal[
    "owner", "steward", "classification", "retention", "risk_tier", "description",
    "recertify_by", "known_limitations",
]  # fmt: skip

DEFAULT_FAIL_ON_BY_RISK_TIER: dict[str, str] = {"low": "error", "medium": "error", "high": "warn"}
DEFAULT_REQUIRED_BY_RISK_TIER: dict[str, tuple[str, ...]] = {
    "low": ("owner", "steward", "classification"),
    "medium": ("owner", "steward", "classification", "retention"),
    "high": ("owner", "steward", "classification", "retention", "description", "recertify_by"),
}

DEFAULT_USES: tuple[str, ...] = ("analytics", "reporting", "retrieval", "fine_tuning", "training")
DEFAULT_USES_BY_CLASSIFICATION: dict[str, tuple[str, ...]] = {"restricted": ("analytics", "reporting")}


class GovernanceSettings(BaseModel):
    """``[tool.stewardgate.governance]``: risk-tier policy, completeness, waiver approvers.

    The per-tier tables may name only some tiers; the others keep their defaults.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_by_default: bool = Field(
        default=False, description="Run the governance checks on suites without a governance: block."
    )
    default_risk_tier: RiskTier = Field(default="medium", description="The tier of a suite that names none.")
    fail_on_by_risk_tier: dict[RiskTier, Literal["error", "warn"]] = Field(
        default_factory=lambda: dict(DEFAULT_FAIL_ON_BY_RISK_TIER),  # type: ignore[arg-type]
        description="What blocks the gate per risk tier when the suite's gate.fail_on is not set.",
    )
    required_by_risk_tier: dict[RiskTier, tuple[StewardshipField, ...]] = Field(
        default_factory=lambda: dict(DEFAULT_REQUIRED_BY_RISK_TIER),  # type: ignore[arg-type]
        description="Stewardship fields the completeness check requires per risk tier.",
    )
    waiver_approvers: dict[RiskTier, tuple[str, ...]] = Field(
        default_factory=dict, description="Who may approve waivers per risk tier (a tier not named: anyone)."
    )
    recertify_warn_days: int = Field(default=30, ge=0, description="recertify_by this close warns.")
    waiver_warn_days: int = Field(default=7, ge=0, le=366, description="A waiver this close to its expiry is reported.")
    max_waiver_days: dict[RiskTier, int] = Field(
        default_factory=dict, description="Longest allowed waiver per risk tier, in days (a tier not named: no limit)."
    )
    pii_sample_size: int = Field(default=10_000, ge=1, description="Rows sampled by the personal-data scan.")
    pii_seed: int = Field(default=0, ge=0, description="Seed of the personal-data sample.")
    pii_threshold: float = Field(default=0.5, ge=0, lt=1, description="Match rate above which a detector fires.")
    uses: tuple[str, ...] = Field(
        default=DEFAULT_USES, min_length=1, description="The vocabulary of permitted uses (and of run --purpose)."
    )
    uses_by_classification: dict[Literal["public", "internal", "confidential", "restricted"], tuple[str, ...]] = Field(
        default_factory=lambda: dict(DEFAULT_USES_BY_CLASSIFICATION),  # type: ignore[arg-type]
        description="The uses each classification allows (a classification not named: every use).",
    )
    purpose: str | None = Field(
        default=None, description="What this run's data is for (run --purpose): every dataset must be approved for it."
    )
    access_required_for: tuple[Classification, ...] = Field(
        default=(), description="Classifications whose suites must declare access: (a suite without one fails)."
    )
    public_access_forbidden_for: tuple[Classification, ...] = Field(
        default=("confidential", "restricted"),
        description="Classifications whose data nobody else may reach (PUBLIC, a file's other bits), "
        "whatever a suite's access.public says.",
    )

    @field_validator("fail_on_by_risk_tier", mode="after")
    @classmethod
    def _fail_on_defaults(cls, v: dict[str, str]) -> dict[str, str]:
        return {**DEFAULT_FAIL_ON_BY_RISK_TIER, **v}

    @field_validator("required_by_risk_tier", mode="after")
    @classmethod
    def _required_defaults(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        return {**DEFAULT_REQUIRED_BY_RISK_TIER, **v}


class ConnectionSettings(BaseModel):
    """``[tool.stewardgate.connections.NAME]``: a SQL database suites name with ``dataset.connection``.

    The URL (a SQLAlchemy URL, with its password) is read from the environment variable
    ``url_env`` when the dataset is opened, never from a file: settings and suites hold no
    credentials (docs/sql.md).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url_env: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="Environment variable holding the URL.")


class Settings(BaseModel):
    """Every setting stewardgate reads, with its default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    samples: int = Field(default=5, ge=0, le=1000, description="Failing sample values shown per check.")
    as_of: date | None = Field(
        default=None,
        description="Logical run date (YYYY-MM-DD) for every date-relative check and {as_of}; default: today (UTC).",
    )
    store: str | None = Field(
        default=None,
        description="History store SQLAlchemy URL (default: SQLite .stewardgate/history.db in the working folder).",
    )
    store_keep: str | None = Field(
        default=None,
        description="How long `store prune` keeps the history's detail, a period like 400d, 18mo or 2y (default: --keep must be given).",
    )
    parallel: int = Field(default=1, ge=1, le=64, description="Datasets checked at once.")
    engine: Literal["polars", "spark"] = Field(
        default="polars", description="Who reads and judges the data: polars (this machine) or spark."
    )
    spark_master: str = Field(default="local[*]", description="Spark master URL for engine spark.")
    spark_conf: dict[str, str] = Field(default_factory=dict, description="Extra Spark settings (KEY = VALUE).")
    regex_timeout: float = Field(
        default=30.0,
        gt=0,
        le=86_400,
        description="Seconds a Python regex that GX runs may take on a column's values; longer is an errored check.",
    )
    dataset_roots: tuple[Path, ...] = Field(
        default=(),
        description="Folders datasets may be read from (none: anywhere). In pyproject relative to its "
        f"folder; in STEWARDGATE_DATASET_ROOTS separated by '{os.pathsep}', relative to the working folder.",
    )
    governance: GovernanceSettings = Field(
        default_factory=GovernanceSettings, description="[tool.stewardgate.governance] (pyproject only)."
    )
    connections: dict[str, ConnectionSettings] = Field(
        default_factory=dict, description="[tool.stewardgate.connections.NAME] (pyproject only): SQL databases."
    )
    notify: NotifySettings = Field(
        default_factory=NotifySettings, description="[tool.stewardgate.notify] (pyproject only): notifications."
    )
    s3: S3Settings = Field(
        default_factory=S3Settings,
        description="[tool.stewardgate.s3] (pyproject only): endpoint, region, key variables.",
    )

    @field_validator("store_keep", mode="after")
    @classmethod
    def _keep_period(cls, v: str | None) -> str | None:
        if v is not None:
            from stewardgate.suite.periods import parse_period

            parse_period(v)  # ValueError names the allowed forms
        return v

    @field_validator("dataset_roots", mode="before")
    @classmethod
    def _roots(cls, v: Any) -> Any:
        if isinstance(v, str):  # the environment variable: a path list like PATH
            return tuple(part for part in v.split(os.pathsep) if part)
        return v

    @field_validator("dataset_roots", mode="after")
    @classmethod
    def _absolute_roots(cls, v: tuple[Path, ...]) -> tuple[Path, ...]:
        return tuple(p.absolute() for p in v)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml from ``start`` upwards."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(
    *, cwd: Path, environ: Mapping[str, str] | None = None, flags: Mapping[str, Any] | None = None
) -> Settings:
    """Merge the layers; raise SettingsError naming the layer and key that is wrong."""
    merged: dict[str, Any] = {}
    pyproject = find_pyproject(cwd)
    layers: list[tuple[str, dict[str, Any]]] = []
    if pyproject is not None:
        layers.append((str(pyproject), _from_pyproject(pyproject)))
    layers.append(("environment", _from_env(os.environ if environ is None else environ)))
    layers.append(("command line", {k: v for k, v in (flags or {}).items() if v is not None}))
    for origin, values in layers:
        merged.update(values)
        try:
            Settings.model_validate(merged)
        except ValidationError as exc:
            raise SettingsError(_located(origin, pyproject, exc.errors(include_url=False)[0])) from None
    return Settings.model_validate(merged)


def _located(origin: str, pyproject: Path | None, err: Any) -> str:
    """``path:line: tool.stewardgate.key: what is wrong (what is allowed)``; the line when the
    file says it, the variable's name for the environment."""
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS)]
    key = ".".join(str(p) for p in loc)
    what = _what(err, [str(p) for p in loc])
    if err["type"] == "union_tag_invalid":
        loc, key = [*loc, "kind"], f"{key}.kind"
    if pyproject is not None and origin.startswith(str(pyproject)):
        from stewardgate.settings_lines import line_of

        line = line_of(pyproject.read_text(encoding="utf-8"), ["tool", "stewardgate", *loc])
        return f"{pyproject}{f':{line}' if line else ''}: tool.stewardgate.{key}: {what}"
    if origin == "environment" and len(loc) == 1:
        key = ENV_PREFIX + key.upper()
    return f"{origin}: {key}: {what}"


def _what(err: Any, loc: list[str]) -> str:
    """What is wrong, in the suite errors' words: an unknown key with a suggestion, a notifier
    kind with the allowed kinds, else pydantic's message with the value given."""
    if err["type"] == "union_tag_invalid":
        return (
            f"unknown notifier kind '{err['ctx']['tag']}' (allowed: {err['ctx']['expected_tags'].replace(chr(39), '')})"
        )
    if err["type"] == "extra_forbidden" and len(loc) <= 2:
        from stewardgate.wording import suggest

        nested: dict[str, Any] = {"governance": GovernanceSettings, "s3": S3Settings}
        model: Any = nested.get(loc[0], Settings) if len(loc) == 2 else Settings
        if len(loc) == 1 or model is not Settings:
            return f"unknown key{suggest(loc[-1], sorted(model.model_fields))}"
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return "unknown key"
    got = f" (got {err['input']!r})" if not isinstance(err["input"], (dict, list)) else ""
    return message[0].lower() + message[1:] + got


_UNION_TAGS = ("webhook", "slack", "teams", "email")


def _from_pyproject(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read settings: {exc}") from exc
    section = data.get("tool", {}).get("stewardgate", {})
    values = {k.replace("-", "_"): v for k, v in section.items()}
    roots = values.get("dataset_roots")
    if isinstance(roots, list):  # relative to the pyproject's folder, not to where we run
        values["dataset_roots"] = [str(path.parent / r) if isinstance(r, str) else r for r in roots]
    return values


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    return {
        key[len(ENV_PREFIX):].lower(): value
        for key, value in environ.items()
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX):].lower() in Settings.model_fields
    }  # fmt: skip
