"""CPU time and context switches of running processes, read from Linux's /proc, and the
peak memory of a command."""

from __future__ import annotations

import os
import subprocess
import sys

# Fields of /proc/<pid>/stat after the ")" that ends the command name.
_PARENT, _PROCESS_GROUP, _USER_TICKS, _SYSTEM_TICKS = 1, 2, 11, 12
# CPU of the children a process has waited for (recycled Odoo workers, for instance).
_CHILDREN_USER_TICKS, _CHILDREN_SYSTEM_TICKS = 13, 14
# Starts the command measured, prints its peak RSS (KiB) and exits with its exit code. A
# child started with vfork, as subprocess and posix_spawn start one, is charged at exec
# with the peak RSS of the process it was started from: started from a benchmark that
# held more memory, the command would report the benchmark's peak, not its own.
_PEAK_RSS_LAUNCHER = """
import os, sys
out = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ, file_actions=out)
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _stat(pid: int | str) -> list[str]:
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        return handle.read().rsplit(")", 1)[1].split()


def _cpu_ticks(fields: list[str]) -> int:
    return int(fields[_USER_TICKS]) + int(fields[_SYSTEM_TICKS])


def cpu_seconds(pid: int) -> float:
    """User plus system CPU of a process, all its threads included."""
    return _cpu_ticks(_stat(pid)) / os.sysconf("SC_CLK_TCK")


def group_cpu_seconds(group_id: int) -> float | None:
    """User plus system CPU of the live processes of a process group, or None without
    /proc."""
    if not os.path.isdir("/proc"):
        return None
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = _stat(entry)
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[_PROCESS_GROUP]) == group_id:
            ticks += _cpu_ticks(fields)
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """User plus system CPU of a process and its descendants, ended children included
    (once reaped): an Odoo server with its workers, say."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stats[int(entry)] = _stat(entry)
            except OSError:
                continue  # the process ended meanwhile
    children: dict[int, list[int]] = {}
    for child, fields in stats.items():
        children.setdefault(int(fields[_PARENT]), []).append(child)
    ticks, todo = 0, [pid]
    while todo:
        current = todo.pop()
        fields = stats.get(current)
        if fields is None:
            continue
        ticks += _cpu_ticks(fields)
        ticks += int(fields[_CHILDREN_USER_TICKS]) + int(fields[_CHILDREN_SYSTEM_TICKS])
        todo += children.get(current, [])
    return ticks / os.sysconf("SC_CLK_TCK")


def context_switches(pid: int) -> int:
    """Voluntary and involuntary context switches of every thread of a process."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status", encoding="ascii") as status:
            total += sum(int(line.split()[1]) for line in status if "ctxt_switches" in line)
    return total


def peak_rss_mb(command: list[str], env: dict[str, str]) -> float:
    """Peak resident memory, in MB, of ``command`` run to its end, its output discarded
    (``CalledProcessError`` when it fails). Started by a small launcher, whose own few
    megabytes are the least it can report."""
    launched = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS_LAUNCHER, *command],
        env=env,
        stdout=subprocess.PIPE,
        check=True,
        text=True,
    )
    return int(launched.stdout) / 1024
