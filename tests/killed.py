"""A script in a subprocess, killed with SIGKILL once it has written its first line: how
the crash tests stop a process with no chance to close or checkpoint."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

__all__ = ["ROOT", "first_line_then_kill"]

ROOT = Path(__file__).parents[1]


async def first_line_then_kill(
    script: Path, *args: str, timeout: float
) -> tuple[bytes, int | None]:
    """Run `python script args` from the repository root: its first line of output, and
    its return code after the SIGKILL that follows that line (or the timeout)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(script), *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), timeout=timeout)
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    return line, process.returncode
