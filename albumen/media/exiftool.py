"""One long-lived `exiftool -stay_open` process per worker process.

Starting exiftool costs ~100 ms of Perl start-up, so it is started once, lazily, and fed one command at a
time through its argument file on stdin. Every argument goes on its own line, which is exiftool's
protocol: a file name is never parsed as an option because it is always passed as an absolute path,
and nothing can smuggle in a second argument because line breaks are refused (paths) or C-escaped
(tag values).
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import re
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

DEFAULT_TIMEOUT_SECONDS = 60.0

# The read options Immich passes through exiftool-vendored (DefaultExifToolOptions plus Immich's
# numericTags and readArgs): print-converted values except for these numeric tags, MWG composite
# tags, structured values, and files over 2 GB.
_READ_ARGS = (
    "-json",
    "-api",
    "struct=1",
    "-use",
    "MWG",
    "-api",
    "largefilesupport=1",
    "-charset",
    "filename=utf8",
    "-*Duration*#",
    "-GPSAltitude#",
    "-GPSLatitude#",
    "-GPSLongitude#",
    "-GPSPosition#",
    "-GeolocationPosition#",
    "-Orientation#",
    "-FocalLength#",
    "-FileSize#",
    "-all",
)

_TAG_NAME = re.compile(r"^[A-Za-z][\w-]*(?::[A-Za-z][\w-]*)?$")


#: prctl(2) option: the signal this process gets when its parent dies.
PR_SET_PDEATHSIG = 1


class ExifToolError(RuntimeError):
    """exiftool could not run a command (it is missing, it died, or it answered garbage)."""


class ExifToolTimeout(ExifToolError):
    """A command took longer than the timeout; the process was killed and will be restarted."""


class _ProcessExited(Exception):
    pass


def _path_arg(path: str | os.PathLike[str]) -> bytes:
    absolute = os.fsencode(os.path.abspath(os.fspath(path)))
    if b"\n" in absolute or b"\r" in absolute:
        raise ValueError(
            f"exiftool cannot be given a path containing a line break: {os.fspath(path)!r}",
        )
    return absolute


def _value_arg(arg: str) -> bytes:
    if "\n" not in arg and "\r" not in arg:
        return arg.encode("utf-8")
    # exiftool reads lines starting with "#[CSTR]" as C strings, the one way to pass a line break.
    escaped = arg.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return b"#[CSTR]" + escaped.encode("utf-8")


class ExifTool:
    """A thread-safe handle on one persistent exiftool process.

    The process starts on the first command, is restarted when it has died or timed out, and is
    stopped by `close()` (also at interpreter exit for the process-wide instance).
    """

    def __init__(self, executable: str = "exiftool", timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.executable = executable
        self.timeout = timeout
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._sequence = 0

    @property
    def pid(self) -> int | None:
        """The running process's id, or None before the first command or after `close()`."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def read_tags(
        self,
        path: str | os.PathLike[str],
        *,
        extract_embedded: bool = False,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """All tags of one file as exiftool's JSON object (an "Error" key when it can't be read)."""
        args = [arg.encode() for arg in _READ_ARGS]
        if extract_embedded:
            args.insert(1, b"-ee")
        args.append(_path_arg(path))
        stdout, stderr = self._execute(args, timeout)
        try:
            parsed = json.loads(stdout.decode("utf-8", errors="replace") or "[]")
        except json.JSONDecodeError as error:
            raise ExifToolError(f"exiftool returned invalid JSON for {os.fspath(path)!r}: {error}") from error
        if not parsed:
            message = stderr.decode("utf-8", errors="replace").strip() or "no output"
            raise ExifToolError(f"exiftool could not read {os.fspath(path)!r}: {message}")
        result = parsed[0]
        if not isinstance(result, dict):
            raise ExifToolError(f"exiftool returned unexpected JSON for {os.fspath(path)!r}")
        return result

    def extract_binary(
        self, path: str | os.PathLike[str], tag: str, *, timeout: float | None = None
    ) -> bytes:
        """The raw bytes of one binary tag (e.g. MotionPhotoVideo); empty when the tag is absent."""
        if not _TAG_NAME.match(tag):
            raise ValueError(f"invalid exiftool tag name: {tag!r}")
        args = [b"-b", b"-api", b"largefilesupport=1", f"-{tag}".encode(), _path_arg(path)]
        stdout, _ = self._execute(args, timeout)
        return stdout

    def write_tags(
        self,
        path: str | os.PathLike[str],
        tags: Mapping[str, str | int | float | Sequence[str] | None],
        *,
        timeout: float | None = None,
    ) -> None:
        """Write tags into a file in place, creating it when it is a new `.xmp` sidecar.

        A list value replaces the whole list tag; None deletes the tag.
        """
        args: list[bytes] = [b"-overwrite_original", b"-api", b"largefilesupport=1"]
        for name, value in tags.items():
            if not _TAG_NAME.match(name):
                raise ValueError(f"invalid exiftool tag name: {name!r}")
            if value is None:
                args.append(f"-{name}=".encode())
            elif isinstance(value, str | int | float):
                args.append(_value_arg(f"-{name}={value}"))
            elif not value:
                args.append(f"-{name}=".encode())
            else:
                # Several assignments in one command make up the whole new list.
                args.extend(_value_arg(f"-{name}={item}") for item in value)
        args.append(_path_arg(path))
        _, stderr = self._execute(args, timeout)
        message = stderr.decode("utf-8", errors="replace").strip()
        errors = [line for line in message.splitlines() if line.startswith("Error")]
        if errors:
            raise ExifToolError(f"exiftool could not write {os.fspath(path)!r}: {'; '.join(errors)}")

    def close(self) -> None:
        """Stop the process (a later command starts a new one)."""
        with self._lock:
            self._stop()

    def __enter__(self) -> ExifTool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _execute(self, args: list[bytes], timeout: float | None) -> tuple[bytes, bytes]:
        with self._lock:
            try:
                return self._execute_locked(args, timeout)
            except (BrokenPipeError, _ProcessExited):
                # Killed or crashed, possibly before this command even reached it: one retry
                # on a fresh process (exiftool commands are idempotent).
                self._stop(graceful=False)
            try:
                return self._execute_locked(args, timeout)
            except (BrokenPipeError, _ProcessExited) as error:
                self._stop(graceful=False)
                raise ExifToolError("exiftool exited while running a command") from error

    def _execute_locked(self, args: list[bytes], timeout: float | None) -> tuple[bytes, bytes]:
        process = self._ensure_started()
        assert process.stdin is not None
        self._sequence += 1
        marker = f"{{ready{self._sequence}}}".encode()
        command = b"\n".join([*args, b"-echo4", marker, f"-execute{self._sequence}".encode()]) + b"\n"
        process.stdin.write(command)
        process.stdin.flush()
        try:
            return self._collect(process, marker, self.timeout if timeout is None else timeout)
        except _ProcessExited:
            raise
        except BaseException:
            # Whatever interrupted the read left this command's answer in the pipes; a fresh
            # process keeps it from being taken for the next command's.
            self._stop(graceful=False)
            raise

    def _collect(
        self, process: subprocess.Popen[bytes], marker: bytes, timeout: float
    ) -> tuple[bytes, bytes]:
        assert process.stdout is not None and process.stderr is not None
        ending = marker + b"\n"
        buffers = {"stdout": bytearray(), "stderr": bytearray()}
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ, "stdout")
            selector.register(process.stderr, selectors.EVENT_READ, "stderr")
            while not all(buffer.endswith(ending) for buffer in buffers.values()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._stop(graceful=False)
                    raise ExifToolTimeout(f"exiftool did not answer within {timeout:g} s")
                for key, _ in selector.select(remaining):
                    chunk = os.read(key.fileobj.fileno(), 1 << 16)  # type: ignore[union-attr]
                    if not chunk:
                        raise _ProcessExited
                    buffers[key.data].extend(chunk)
        return bytes(buffers["stdout"][: -len(ending)]), bytes(buffers["stderr"][: -len(ending)])

    def _ensure_started(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._stop()
        try:
            self._process = subprocess.Popen(
                [self.executable, "-stay_open", "True", "-@", "-"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        except OSError as error:
            raise ExifToolError(f"cannot start {self.executable!r}: {error}") from error
        return self._process

    def _stop(self, *, graceful: bool = True) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None and not graceful:
            process.kill()
            process.wait()
        elif process.poll() is None:
            try:
                assert process.stdin is not None
                process.stdin.write(b"-stay_open\nFalse\n")
                process.stdin.flush()
                process.wait(timeout=1)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


_shared: ExifTool | None = None
_shared_pid = 0
_shared_lock = threading.Lock()


def get_exiftool() -> ExifTool:
    """The process-wide ExifTool (a forked worker gets its own)."""
    global _shared, _shared_pid
    with _shared_lock:
        if _shared is None or _shared_pid != os.getpid():
            _shared = ExifTool()
            _shared_pid = os.getpid()
        return _shared


def _close_shared() -> None:
    if _shared is not None and _shared_pid == os.getpid():
        _shared.close()


atexit.register(_close_shared)


def _die_with_parent() -> None:
    """Linux: SIGKILL exiftool when the process that started it dies. At EOF on its argument stream
    exiftool -stay_open keeps waiting, so a crashed or killed worker would otherwise leave it behind."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
