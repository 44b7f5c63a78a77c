"""The channels with their secrets read from the environment, once, before anything runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from stewardgate.errors import SettingsError
from stewardgate.notify.config import Channel, EmailChannel, NotifySettings, WebhookChannel


@dataclass(frozen=True)
class ResolvedChannel:
    """A configured channel, its name, and the secrets its settings point at (never shown)."""

    name: str
    spec: Channel
    url: str | None = field(default=None, repr=False)
    signing_key: bytes | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class NotifyPlan:
    """What a run needs to notify: the resolved channels and the delivery settings."""

    channels: tuple[ResolvedChannel, ...]
    settings: NotifySettings


def resolve_channels(settings: NotifySettings, environ: Mapping[str, str]) -> NotifyPlan:
    """Each channel with its secrets; a variable that is not set (or empty) is a SettingsError."""
    resolved = []
    for i, spec in enumerate(settings.channels):
        name = spec.name or f"{spec.kind}#{i + 1}"

        def secret(key: str, what: str, i: int = i, name: str = name, spec: Channel = spec) -> str | None:
            variable = getattr(spec, key)
            if variable is None:
                return None
            value = environ.get(variable, "")
            if not value:
                raise SettingsError(
                    f"tool.stewardgate.notify.channels.{i}.{key}: the environment variable {variable} "
                    f"is not set (it holds {what} of channel {name}); set it, or remove the channel"
                )
            return value

        if isinstance(spec, EmailChannel):
            resolved.append(ResolvedChannel(name, spec, password=secret("password_env", "the SMTP password")))
            continue
        url = spec.url or secret("url_env", "the webhook URL")
        key = secret("secret_env", "the signing key") if isinstance(spec, WebhookChannel) else None
        resolved.append(ResolvedChannel(name, spec, url=url, signing_key=key.encode() if key else None))
    return NotifyPlan(tuple(resolved), settings)
