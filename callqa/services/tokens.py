"""Access tokens: short-lived, signed (HS256, PyJWT) with the server's secret. The secret
comes from the settings (`api.secret_key`), else from `<data_dir>/secret_key`, generated
on first start (readable by its owner only; never in the repository)."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt

from callqa.configs.settings import Settings

ALGORITHM = "HS256"
SECRET_FILE = "secret_key"


def server_secret(settings: Settings) -> str:
    """The signing secret: the configured one, else the one kept in the data folder."""
    if settings.api.secret_key is not None:
        return settings.api.secret_key.get_secret_value()
    path = Path(settings.data_dir) / SECRET_FILE
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def issue_token(username: str, settings: Settings, secret: str) -> tuple[str, int]:
    """(token, seconds it lives) for `username`."""
    lifetime = timedelta(minutes=settings.api.token_minutes)
    now = datetime.now(UTC)
    token = jwt.encode({"sub": username, "iat": now, "exp": now + lifetime}, secret,
                       algorithm=ALGORITHM)
    return token, int(lifetime.total_seconds())


def token_subject(token: str, secret: str) -> str | None:
    """The username a valid, unexpired token was issued to, else None."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM],
                            options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub")
    return subject if isinstance(subject, str) else None
