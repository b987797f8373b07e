"""Stream a multipart upload straight to disk, hashing as it arrives.

Starlette's ``request.form()`` would spool each file to a temporary file elsewhere and copy it again;
an upload here is written once, into a staging folder on the same filesystem as its final place, so
the service can fsync and rename it into place.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from albumen.services.errors import BadRequestError, PayloadTooLargeError

#: Text fields are small (dates, flags, JSON metadata); anything larger is a hostile request.
MAX_FIELD_BYTES = 1024 * 1024
MAX_FIELDS = 64


@dataclass
class StagedFile:
    """A received file part: where it was written, its SHA-1, size and the client's name for it."""

    path: Path
    filename: str
    content_type: str
    size: int = 0
    sha1: bytes = b""


@dataclass
class ReceivedUpload:
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, StagedFile] = field(default_factory=dict)

    def discard(self) -> None:
        for staged in self.files.values():
            staged.path.unlink(missing_ok=True)


class _PartWriter:
    """Callbacks for python-multipart: fields into memory, file parts onto disk with a running hash."""

    def __init__(self, staging_dir: Path, file_fields: Mapping[str, str], max_file_bytes: int) -> None:
        self.staging_dir = staging_dir
        self.file_fields = file_fields
        self.max_file_bytes = max_file_bytes
        self.result = ReceivedUpload()
        self._header_name = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._value = bytearray()
        self._file: IO[bytes] | None = None
        self._staged: StagedFile | None = None
        self._hash = hashlib.sha1()

    def on_part_begin(self) -> None:
        self._headers = {}
        self._header_name = self._header_value = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_name.lower()] = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        disposition, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        if disposition != b"form-data" or b"name" not in options:
            raise BadRequestError("Malformed multipart body")
        self._name = options[b"name"].decode("utf-8", "replace")
        self._value = bytearray()
        if b"filename" in options and self._name in self.file_fields:
            if self._name in self.result.files:
                raise BadRequestError(f"{self._name} was sent twice")
            filename = options[b"filename"].decode("utf-8", "replace")
            content_type = self._headers.get(b"content-type", b"application/octet-stream").decode("latin-1")
            path = self.staging_dir / self.file_fields[self._name]
            self._file = open(path, "xb")  # noqa: SIM115 - closed in on_part_end or abort()
            self._staged = StagedFile(path=path, filename=filename, content_type=content_type)
            self.result.files[self._name] = self._staged
            self._hash = hashlib.sha1()
        elif len(self.result.fields) >= MAX_FIELDS:
            raise BadRequestError("Too many form fields")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._file is not None and self._staged is not None:
            self._staged.size += len(chunk)
            if self._staged.size > self.max_file_bytes:
                raise PayloadTooLargeError("File is larger than the server accepts")
            self._hash.update(chunk)
            self._file.write(chunk)
            return
        if len(self._value) + len(chunk) > MAX_FIELD_BYTES:
            raise BadRequestError(f"Form field {self._name} is too large")
        self._value += chunk

    def on_part_end(self) -> None:
        if self._file is not None and self._staged is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._staged.sha1 = self._hash.digest()
            self._file = None
            self._staged = None
        elif self._name:
            self.result.fields[self._name] = self._value.decode("utf-8", "replace")

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.result.discard()


async def receive_upload(
    request: Request, staging_dir: Path, *, file_fields: Mapping[str, str], max_file_bytes: int
) -> ReceivedUpload:
    """Parse the request body; file parts named in ``file_fields`` land in ``staging_dir`` under the
    file name mapped to them (the caller names them, e.g. after the asset id, to recover after a crash).

    On any failure (bad body, too large, client gone) every staged file is removed before raising.
    """
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise BadRequestError("Expected a multipart/form-data body")
    staging_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - one metadata call per upload
    writer = _PartWriter(staging_dir, file_fields, max_file_bytes)
    callbacks = {
        name: getattr(writer, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except ClientDisconnect:
        writer.abort()
        raise BadRequestError("The client disconnected during the upload") from None
    except (BadRequestError, PayloadTooLargeError):
        writer.abort()
        raise
    except Exception as error:
        writer.abort()
        raise BadRequestError(f"Malformed multipart body: {error}") from error
    if writer._file is not None:  # body ended inside a file part
        writer.abort()
        raise BadRequestError("The upload ended before the file was complete")
    return writer.result
