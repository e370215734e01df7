"""CPU seconds of other processes on this machine, read from /proc (Linux), for the benchmarks'
breakdowns: our PostgreSQL backend, the postmaster's ended backends, a worker and its children."""

import os
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name, or None when it cannot be read."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pid: int, *, ended_children: bool = False) -> float | None:
    """The process's own CPU seconds (utime + stime), or with `ended_children` those of the
    children it has reaped (cutime + cstime); None when /proc does not show it."""
    fields = _stat(pid)
    if fields is None:
        return None
    first = 13 if ended_children else 11
    return (int(fields[first]) + int(fields[first + 1])) / _TICK


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds used so far by a running process and its running descendants."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += cpu_seconds(pid) or 0.0
        stack.extend(p for p, ppid in parents.items() if ppid == pid)
    return total
