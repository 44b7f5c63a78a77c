"""``[tool.stewardgate.notify]``: where notifications go, when, and how hard to try.

::

    [tool.stewardgate.notify]
    suppress_days = 7            # the same notice is not sent again within 7 as-of days
    timeout_seconds = 10         # per attempt
    retries = 2                  # extra attempts after a failed one (connection error, 429, 5xx)

    [[tool.stewardgate.notify.channels]]
    kind = "slack"               # webhook | slack | teams | email
    url_env = "SLACK_WEBHOOK_URL"
    on = ["gate_failed", "recovered"]          # default: every trigger
    datasets = ["orders*"]                     # default: every dataset

    [[tool.stewardgate.notify.channels]]
    kind = "email"
    host = "smtp.example.com"
    sender = "stewardgate@example.com"
    to = ["owner", "steward", "data-oncall@example.com"]
    password_env = "SMTP_PASSWORD"
    username = "stewardgate"

Secrets (webhook URLs of Slack and Teams, HMAC keys, SMTP passwords) are read from the
environment variables these settings name, never from the file; a variable that is not set is
a settings error before anything runs (:func:`stewardgate.notify.secrets.resolve_channels`).
This module imports no network library.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Trigger = Literal["gate_failed", "check_failed", "recovered", "waiver_expiring", "recertification_due"]
TRIGGERS: tuple[Trigger, ...] = ("gate_failed", "check_failed", "recovered", "waiver_expiring", "recertification_due")
KINDS = ("webhook", "slack", "teams", "email")
ROLES = ("owner", "steward")
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


class _Channel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(default=None, description="How messages and errors name the channel (default: kind#n).")
    on: tuple[Trigger, ...] = Field(default=TRIGGERS, description="Triggers this channel is sent.")
    datasets: tuple[str, ...] = Field(default=("*",), description="Dataset names or globs this channel is for.")

    @field_validator("on")
    @classmethod
    def _some_trigger(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError(f"names no trigger (allowed: {', '.join(TRIGGERS)})")
        return v


def _env_name(v: str | None) -> str | None:
    if v is not None and not _ENV.match(v):
        raise ValueError(f"'{v}' is not an environment variable name (letters, digits and _)")
    return v


class _Http(_Channel):
    url: str | None = Field(default=None, description="The URL (only for URLs that hold no secret).")
    url_env: str | None = Field(default=None, description="Environment variable holding the URL.")

    @field_validator("url_env")
    @classmethod
    def _url_env(cls, v: str | None) -> str | None:
        return _env_name(v)

    @model_validator(mode="after")
    def _one_url(self) -> _Http:
        if (self.url is None) == (self.url_env is None):
            raise ValueError("give exactly one of url or url_env")
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url '{self.url}' is not an http:// or https:// URL")
        return self


class WebhookChannel(_Http):
    """A generic webhook: the JSON summary POSTed, optionally signed (HMAC-SHA256 of the body)."""

    kind: Literal["webhook"]
    secret_env: str | None = Field(default=None, description="Environment variable holding the HMAC key.")
    signature_header: str = Field(
        default="X-Stewardgate-Signature", description="Header of the signature (sha256=<hex>)."
    )

    @field_validator("secret_env")
    @classmethod
    def _secret_env(cls, v: str | None) -> str | None:
        return _env_name(v)


class SlackChannel(_Http):
    """A Slack incoming webhook (its URL is a secret: use url_env)."""

    kind: Literal["slack"]


class TeamsChannel(_Http):
    """A Microsoft Teams incoming webhook / workflow URL (a secret: use url_env)."""

    kind: Literal["teams"]


class EmailChannel(_Channel):
    """E-mail over SMTP; ``to`` takes addresses and the roles ``owner`` and ``steward``."""

    kind: Literal["email"]
    host: str = Field(description="SMTP server.")
    port: int = Field(default=25, ge=1, le=65535, description="SMTP port (587 with starttls, 465 with ssl).")
    security: Literal["none", "starttls", "ssl"] = Field(default="none", description="Transport security.")
    sender: str = Field(description="From address.")
    to: tuple[str, ...] = Field(description="Addresses, and/or owner / steward of the dataset.")
    username: str | None = Field(default=None, description="SMTP login (needs password_env).")
    password_env: str | None = Field(default=None, description="Environment variable holding the SMTP password.")

    @field_validator("password_env")
    @classmethod
    def _password_env(cls, v: str | None) -> str | None:
        return _env_name(v)

    @field_validator("to")
    @classmethod
    def _recipients(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [r for r in v if r not in ROLES and not _ADDRESS.match(r)]
        if not v or bad:
            raise ValueError(
                f"{', '.join(map(repr, bad)) or 'nobody'}: each recipient is an e-mail address, owner or steward"
            )
        return v

    @model_validator(mode="after")
    def _login(self) -> EmailChannel:
        if (self.username is None) != (self.password_env is None):
            raise ValueError("username and password_env go together")
        return self


Channel = Annotated[WebhookChannel | SlackChannel | TeamsChannel | EmailChannel, Field(discriminator="kind")]


class NotifySettings(BaseModel):
    """``[tool.stewardgate.notify]``: channels, suppression and bounded delivery."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channels: tuple[Channel, ...] = Field(default=(), description="Where notifications go (none: no notifications).")
    suppress_days: int = Field(
        default=7, ge=0, le=366, description="The same notice is not repeated within this many as-of days."
    )
    timeout_seconds: float = Field(default=10, gt=0, le=60, description="Time limit of one delivery attempt.")
    retries: int = Field(default=2, ge=0, le=5, description="Extra attempts after a failed one.")
    retry_delay_seconds: float = Field(
        default=1, ge=0, le=30, description="Wait before the first retry (doubles each time)."
    )
