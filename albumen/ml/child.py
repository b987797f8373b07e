"""``albumen ml`` as a child of ``albumen serve``: started, restarted after a crash, stopped with the server.

The child runs niced on 127.0.0.1, in its own session (a Ctrl-C in the terminal reaches the server,
which then stops it, not the child directly), and gets SIGTERM from the kernel when the server dies
without a chance to stop it (SIGKILL, a crash).
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import signal
import sys
import time
from contextlib import suppress

logger = logging.getLogger(__name__)

#: prctl(2) option: the signal this process gets when its parent dies.
PR_SET_PDEATHSIG = 1
#: Below the server and its workers: inference is the first work to give up the CPU.
NICENESS = 10
#: Seconds before restarting a crashed child, doubled per quick crash up to the maximum.
RESTART_DELAY_S = 1.0
MAX_RESTART_DELAY_S = 60.0
#: A child that ran this long crashed "once", not in a loop: the delay starts over.
STABLE_AFTER_S = 60.0
STOP_TIMEOUT_S = 10.0


def _prepare_child(parent_pid: int) -> None:
    """Runs in the forked child before exec: nice it and tie its life to the server's."""
    os.nice(NICENESS)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:  # the server died between fork and prctl
        os._exit(1)


def ml_command(port: int) -> list[str]:
    return [sys.executable, "-m", "albumen.cli", "ml", "--host", "127.0.0.1", "--port", str(port)]


class MlChild:
    """Keeps one ``albumen ml`` running until :meth:`stop`."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: asyncio.subprocess.Process | None = None
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> None:
        # Spawned from the event loop's thread, which lives as long as the server: PDEATHSIG follows
        # the thread that forked, so a child forked from a pool thread could be killed early.
        self._task = asyncio.create_task(self._supervise(), name="albumen-ml-child")

    async def _spawn(self) -> asyncio.subprocess.Process:
        parent_pid = os.getpid()
        return await asyncio.create_subprocess_exec(
            *ml_command(self.port),
            stdin=asyncio.subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=lambda: _prepare_child(parent_pid),
        )

    async def _supervise(self) -> None:
        delay = RESTART_DELAY_S
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                self.process = await self._spawn()
            except OSError as error:
                logger.error("cannot start the machine-learning service: %s", error)
            else:
                logger.info(
                    "machine-learning service started (pid %d) on http://127.0.0.1:%d",
                    self.process.pid,
                    self.port,
                )
                if self._stopping.is_set():  # stop() came while it was being spawned
                    await _terminate(self.process)
                    return
                code = await self.process.wait()
                if self._stopping.is_set():
                    return
                logger.warning("the machine-learning service exited with %s; restarting it", code)
            if time.monotonic() - started >= STABLE_AFTER_S:
                delay = RESTART_DELAY_S
            with suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)
            delay = min(delay * 2, MAX_RESTART_DELAY_S)

    async def stop(self) -> None:
        """Stop restarting the child and stop it (SIGTERM, then SIGKILL after :data:`STOP_TIMEOUT_S`)."""
        self._stopping.set()
        if self.process is not None:
            await _terminate(self.process)
        if self._task is not None:
            await self._task


async def _terminate(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        with suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            with suppress(ProcessLookupError):
                process.kill()
            await process.wait()
