"""Recordings wherever the archive keeps them: a local path, `file://`, or any fsspec URL.

`recording_uri` is a `file://` URI for a local file and the full fsspec URL otherwise
(`s3://bucket/calls/c-1.wav`, `gs://...`, `memory://...`). Decoders want a local file, so
processing code reads a recording through `local_copy`, which is the file itself when it is
local and a temporary download (deleted on exit) when it is not.

The protocol's own package is an extra (`pip install 'callqa[s3]'` brings s3fs); its settings
(endpoint, credentials) come from fsspec's configuration: `FSSPEC_S3_ENDPOINT_URL=...` and
other `FSSPEC_<PROTOCOL>_<KWARG>` variables, or `~/.config/fsspec/*.json`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from fsspec import AbstractFileSystem
from fsspec.core import url_to_fs

from callqa.domain.errors import InputError, StorageAccessError, TransientError
from callqa.models.store_calls import local_path

__all__ = ["describe_error", "is_remote", "local_copy", "open_url", "read_bytes",
           "storage_error"]

# The extra that brings a protocol's package, where callqa has one.
_EXTRAS = {"s3": "s3", "s3a": "s3"}
REMOTE_FIX = ("check the URL, the credentials and that the storage is reachable (endpoint "
              "and keys: FSSPEC_<PROTOCOL>_<KWARG> variables, e.g. FSSPEC_S3_ENDPOINT_URL)")
# The file itself is the problem: trying again will not help.
_FILE_ERRORS = (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError)


def is_remote(uri: str | Path) -> bool:
    """Whether `uri` names a file through fsspec rather than on this machine."""
    if isinstance(uri, Path) or "://" not in uri:
        return False
    return urlparse(uri).scheme not in ("", "file")


def open_url(url: str) -> tuple[AbstractFileSystem, str]:
    """The fsspec filesystem of `url` and the path on it.

    Raises an InputError naming the fix when the protocol is unknown or its package is missing
    (nothing is connected to yet: unreachable storage shows on the first read).
    """
    protocol = url.split("://", 1)[0].lower()
    try:
        fs, path = url_to_fs(url)
    except ImportError as exc:
        extra = _EXTRAS.get(protocol)
        raise InputError(
            url, f"{protocol}:// URLs need a package that is not installed ({exc})",
            f"install callqa[{extra}] (pip install 'callqa[{extra}]')" if extra
            else f"install the fsspec package for {protocol}:// named above") from exc
    except ValueError as exc:  # fsspec: "Protocol not known: ..."
        raise InputError(url, f"cannot open the URL ({exc})",
                         "give a local path or an fsspec URL (s3://, gs://, az://, "
                         "memory://...)") from exc
    return fs, path


def describe_error(exc: BaseException) -> str:
    """A storage error in one line: the OS reason, else the backend's own words."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def storage_error(url: str, exc: BaseException, cause: str
                  ) -> InputError | StorageAccessError | TransientError:
    """What to raise when a remote `url` fails: an InputError when the file itself is wrong
    (missing, forbidden), a StorageAccessError when the credentials are missing or refused
    (retrying will not help), a TransientError when the storage is out of reach (the flows
    retry it). Every backend raises its own types (botocore's for an unreachable endpoint),
    so anything not known to be about the file or the credentials counts as the storage."""
    cause = f"{cause} ({describe_error(exc)})"
    if isinstance(exc, _FILE_ERRORS):
        return InputError(url, cause, REMOTE_FIX)
    if _is_credentials_problem(exc):
        return StorageAccessError(
            f"{url}: {cause}. Fix: give the storage's credentials (for S3: AWS_ACCESS_KEY_ID "
            "and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE; FSSPEC_S3_ANON=true for a public "
            "bucket)")
    return TransientError(f"{url}: {cause}. Fix: {REMOTE_FIX}")


def _is_credentials_problem(exc: BaseException) -> bool:
    """botocore's NoCredentialsError and PartialCredentialsError, and their kin in other
    backends, by name: callqa does not import the backends."""
    return any("Credentials" in kind.__name__ for kind in type(exc).__mro__)


@contextmanager
def local_copy(uri: str) -> Iterator[Path]:
    """A local file holding the recording at `uri`, for decoders that need a path.

    A `file://` URI or a plain path yields the file itself, untouched. Any other fsspec URL is
    downloaded to a temporary file with the same suffix (decoders see the format), deleted on
    exit. A file that cannot be fetched raises an InputError naming the URI and the fix, or a
    TransientError when the storage is out of reach.
    """
    if not is_remote(uri):
        yield local_path(uri)
        return
    fs, path = open_url(uri)
    handle, name = tempfile.mkstemp(prefix="callqa-", suffix=PurePosixPath(path).suffix)
    os.close(handle)
    copy = Path(name)
    try:
        try:
            fs.get_file(path, name)
        except Exception as exc:  # the backend's own types: see storage_error
            raise storage_error(uri, exc, "cannot download the recording") from exc
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def read_bytes(uri: str) -> bytes:
    """The content of the file at `uri` (a `file://` URI, a plain path or an fsspec URL)."""
    if not is_remote(uri):
        path = local_path(uri)
        try:
            return path.read_bytes()
        except OSError as exc:
            raise InputError(path, f"cannot read the file ({describe_error(exc)})",
                             "check the path and its permissions") from exc
    fs, path_on_fs = open_url(uri)
    try:
        content: bytes = fs.cat_file(path_on_fs)
    except Exception as exc:  # the backend's own types: see storage_error
        raise storage_error(uri, exc, "cannot read the file") from exc
    return content
