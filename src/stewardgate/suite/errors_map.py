"""Turning pydantic validation errors into located problems a steward can act on.

``path:line:col: columns.amount.mni: unknown key (did you mean 'min'?)``: every error of a file,
each at the spot it concerns, with what is allowed.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from stewardgate.errors import Problem
from stewardgate.suite.yamlpos import Located
from stewardgate.wording import suggest


def problems_from(exc: ValidationError, located: Located, model: type[BaseModel], file: str) -> list[Problem]:
    """One Problem per pydantic error, located in the YAML, deduplicated, in file order."""
    seen: dict[tuple[Any, ...], Problem] = {}
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"], located)
        problem = _problem(err, loc, located, model, file)
        seen.setdefault((problem.line, problem.col, problem.key, problem.message), problem)
    return sorted(seen.values(), key=lambda p: (p.line or 0, p.col or 0, p.key))


def _clean_loc(loc: tuple[Any, ...], located: Located) -> tuple[str | int, ...]:
    """Drop pydantic's internal steps (union tags, the implicit ``value`` of a short rule)."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue
        if part == "value" and out and tuple(out) not in located.mappings and located.exists(tuple(out)):
            continue  # the short form `min: 0` has no `value` key to point at
        out.append(part)
    return tuple(out)


def _problem(err: Any, loc: tuple[str | int, ...], located: Located, model: type[BaseModel], file: str) -> Problem:
    kind = err["type"]
    key = ".".join(str(p) for p in loc)
    if kind == "extra_forbidden":
        line, col = located.position(loc, prefer_key=True)
        allowed = allowed_keys(model, loc[:-1])
        return Problem(file, line, col, key, "unknown key" + suggest(str(loc[-1]), allowed))
    if kind == "missing":
        line, col = located.position(loc[:-1], prefer_key=False)
        return Problem(file, line, col, key, "required key is missing")
    line, col = located.position(loc)
    return Problem(file, line, col, key, _message(err))


def _message(err: Any) -> str:
    kind, ctx, given = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "literal_error":
        allowed = [a.strip().strip("'") for a in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        return f"unknown value {given!r}" + suggest(str(given), allowed)
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "assertion_error":
        return str(err["msg"]).removeprefix("Assertion failed, ")
    msg = str(err["msg"])
    if given is not None and not isinstance(given, (dict, list)):
        msg += f", got {given!r}"
    return msg[0].lower() + msg[1:]


def allowed_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The keys a mapping at ``loc`` may hold, found by walking the model's annotations."""
    target: Any = model
    for part in loc:
        target = _step(target, part)
        if target is None:
            return []
    target = _unwrap_to_model(target)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return [f.alias or name for name, f in target.model_fields.items()]
    return []


def _step(target: Any, part: str | int) -> Any:
    target = _unwrap_to_model(target)
    if isinstance(target, type) and issubclass(target, BaseModel):
        for name, f in target.model_fields.items():
            if part in (name, f.alias):
                return f.annotation
        return None
    origin = typing.get_origin(target)
    if origin in (dict, list):
        return typing.get_args(target)[-1]
    return None


def _unwrap_to_model(target: Any) -> Any:
    """Strip Annotated/Optional/Union layers, preferring a model, dict or list member."""
    while True:
        origin = typing.get_origin(target)
        if origin is typing.Annotated:
            target = typing.get_args(target)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(target) if a is not type(None)]
            structured = [
                m for m in members
                if typing.get_origin(m) in (dict, list, typing.Annotated)
                or (isinstance(m, type) and issubclass(m, BaseModel))
            ]  # fmt: skip
            target = (structured or members)[0]
        else:
            return target
