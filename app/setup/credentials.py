"""The App's identity from GitHub's manifest conversion, checked before any of it is stored."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StrictInt, field_validator

# Every value ends up in an env file and in URLs; anything beyond these shapes is refused, so
# an answer cannot smuggle a second variable, a quote or a path into either.
_SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$"
_TOKEN = r"^[A-Za-z0-9._-]+$"
_PEM = re.compile(
    r"-----BEGIN (?P<kind>(?:RSA )?PRIVATE KEY)-----\n"
    r"(?:[A-Za-z0-9+/=]{1,76}\n){4,200}"
    r"-----END (?P=kind)-----\n?"
)

Token = Annotated[str, Field(pattern=_TOKEN, min_length=1, max_length=200)]


class AppCredentials(BaseModel):
    """What `POST /app-manifests/{code}/conversions` answers that autofix keeps."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: StrictInt = Field(gt=0)
    slug: str = Field(pattern=_SLUG)
    client_id: Token
    client_secret: SecretStr
    webhook_secret: SecretStr
    pem: SecretStr

    @field_validator("client_secret", "webhook_secret")
    @classmethod
    def _token(cls, value: SecretStr) -> SecretStr:
        text = value.get_secret_value()
        if not 16 <= len(text) <= 200 or not re.fullmatch(_TOKEN, text):
            raise ValueError("must be 16 to 200 letters, digits, '.', '_' or '-'")
        return value

    @field_validator("pem")
    @classmethod
    def _pem(cls, value: SecretStr) -> SecretStr:
        if not _PEM.fullmatch(value.get_secret_value()):
            raise ValueError("is not a PEM-encoded private key")
        return value

    def env(self) -> dict[str, str]:
        """The environment variables of the App's identity; the key on one line, `\\n`-escaped."""
        return {
            "AUTOFIX_GITHUB_APP_ID": str(self.id),
            "AUTOFIX_GITHUB_PRIVATE_KEY": self.pem.get_secret_value().strip().replace("\n", "\\n"),
            "AUTOFIX_WEBHOOK_SECRET": self.webhook_secret.get_secret_value(),
            "AUTOFIX_GITHUB_CLIENT_ID": self.client_id,
            "AUTOFIX_GITHUB_CLIENT_SECRET": self.client_secret.get_secret_value(),
        }
