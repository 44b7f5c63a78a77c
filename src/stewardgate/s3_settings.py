"""``[tool.stewardgate.s3]``: where S3 datasets are read from and which variables hold the keys.

::

    [tool.stewardgate.s3]
    endpoint_url = "https://minio.internal:9000"   # default: AWS (or AWS_ENDPOINT_URL)
    region = "eu-west-1"                          # default: AWS_REGION / AWS_DEFAULT_REGION
    access_key_id_env = "WAREHOUSE_S3_KEY_ID"      # default: AWS_ACCESS_KEY_ID
    secret_access_key_env = "WAREHOUSE_S3_SECRET"  # default: AWS_SECRET_ACCESS_KEY
    session_token_env = "WAREHOUSE_S3_TOKEN"       # default: AWS_SESSION_TOKEN

The file holds the NAMES of the environment variables, never a key: a key value in a setting
is an unknown key (``access_key_id``: did you mean ``access_key_id_env``?), and a suite holds
neither (its ``path`` is a bare ``s3://bucket/key``). Pydantic only, no network library.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stewardgate.notify.config import _env_name as env_name  # one rule for variable names


class S3Settings(BaseModel):
    """Endpoint, region and the environment variables holding the keys (pyproject only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    endpoint_url: str | None = Field(
        default=None, description="S3-compatible endpoint (MinIO, Ceph, a local server); http:// allows plain HTTP."
    )
    region: str | None = Field(default=None, description="Bucket region (default: AWS_REGION, AWS_DEFAULT_REGION).")
    access_key_id_env: str | None = Field(
        default=None, description="Environment variable holding the access key id (default: AWS_ACCESS_KEY_ID)."
    )
    secret_access_key_env: str | None = Field(
        default=None, description="Environment variable holding the secret key (default: AWS_SECRET_ACCESS_KEY)."
    )
    session_token_env: str | None = Field(
        default=None, description="Environment variable holding a session token (default: AWS_SESSION_TOKEN)."
    )

    @field_validator("access_key_id_env", "secret_access_key_env", "session_token_env")
    @classmethod
    def _names(cls, v: str | None) -> str | None:
        return env_name(v)

    @field_validator("endpoint_url")
    @classmethod
    def _endpoint(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError(f"'{v}' is not an http:// or https:// URL")
        if v is not None and "@" in v.split("//", 1)[1].split("/", 1)[0]:
            raise ValueError("holds credentials; name the variables with access_key_id_env and secret_access_key_env")
        return v

    @model_validator(mode="after")
    def _pair(self) -> S3Settings:
        if (self.access_key_id_env is None) != (self.secret_access_key_env is None):
            raise ValueError("give both access_key_id_env and secret_access_key_env, or neither")
        return self
