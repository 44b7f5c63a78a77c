"""Settings, loaded once into an immutable object.

Precedence, last wins: built-in defaults < ``[tool.stewardgate]`` in the nearest
``pyproject.toml`` (from the working folder upwards) < ``STEWARDGATE_*`` environment variables
< command-line flags. No other module reads the environment for settings.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stewardgate.errors import SettingsError

ENV_PREFIX = "STEWARDGATE_"


class Settings(BaseModel):
    """Every setting stewardgate reads, with its default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    samples: int = Field(default=5, ge=0, le=1000, description="Failing sample values shown per check.")
    store: str | None = Field(default=None, description="History store SQLAlchemy URL (default: SQLite).")
    parallel: int = Field(default=1, ge=1, le=64, description="Datasets checked at once.")


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
        layers.append((f"{pyproject} [tool.stewardgate]", _from_pyproject(pyproject)))
    layers.append(("environment", _from_env(os.environ if environ is None else environ)))
    layers.append(("command line", {k: v for k, v in (flags or {}).items() if v is not None}))
    for origin, values in layers:
        merged.update(values)
        try:
            Settings.model_validate(merged)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            key = ".".join(str(p) for p in err["loc"])
            raise SettingsError(f"{origin}: {key}: {err['msg']}") from None
    return Settings.model_validate(merged)


def _from_pyproject(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read settings: {exc}") from exc
    section = data.get("tool", {}).get("stewardgate", {})
    return {k.replace("-", "_"): v for k, v in section.items()}


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    return {
        key[len(ENV_PREFIX):].lower(): value
        for key, value in environ.items()
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX):].lower() in Settings.model_fields
    }  # fmt: skip
