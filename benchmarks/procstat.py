"""CPU time and context switches of running processes, read from Linux's /proc."""

from __future__ import annotations

import os

# Fields of /proc/<pid>/stat after the ")" that ends the command name.
_PARENT, _PROCESS_GROUP, _USER_TICKS, _SYSTEM_TICKS = 1, 2, 11, 12
# CPU of the children a process has waited for (recycled Odoo workers, for instance).
_CHILDREN_USER_TICKS, _CHILDREN_SYSTEM_TICKS = 13, 14


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
