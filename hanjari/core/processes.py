"""Which process holds a long piece of work, and whether that process still runs
(작업 프로세스 확인).

A long job that writes in many transactions (the registry import) records its owner,
`current_owner()`, on its row. Another process can then tell whether the owner is gone
(`owner_state`): on the same machine and in the same process namespace it looks the
process up; on another machine it cannot, and the caller has to judge by how recently
the owner last wrote (a heartbeat).

An owner is one line of text, ``host|node|pid|start``:

- ``host``: the machine's name (for people reading it);
- ``node``: what decides whether two processes can see each other's process ids: the
  kernel's boot id and the process-id namespace (Linux ``/proc/sys/kernel/random/boot_id``
  and ``/proc/self/ns/pid``), so two containers with the same host name, or the same
  machine after a reboot, are different nodes; the host name where these are missing;
- ``pid`` and ``start``: the process id and the time the process started (clock ticks
  after boot, ``/proc/PID/stat`` field 22), so a new process that was given the id of
  a dead one is not taken for it.
"""

from __future__ import annotations

import enum
import functools
import os
import socket
from pathlib import Path

MAX_LENGTH = 200


class OwnerState(enum.Enum):
    """What `owner_state` found out about an owner."""

    ALIVE = "alive"
    GONE = "gone"
    UNKNOWN = "unknown"  # another node: cannot be looked up from here


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


@functools.cache
def _node() -> str:
    boot = _read("/proc/sys/kernel/random/boot_id")
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    if boot and namespace:
        return f"{boot}:{namespace}"
    return "host:" + socket.gethostname()


def _stat(pid: int) -> tuple[str, str] | None:
    """(state, start time) of process `pid` from /proc, or None when there is no such
    process; ("", "") when /proc cannot tell."""
    if not Path("/proc/self/stat").exists():
        return "", ""
    text = _read(f"/proc/{pid}/stat")
    if not text:
        return None
    # "pid (command name, may hold spaces and parentheses) state ppid ...": field 22
    # (start time) is the 20th after the command name.
    fields = text.rsplit(")", 1)[-1].split()
    if len(fields) < 20:
        return "", ""
    return fields[0], fields[19]


def current_owner() -> str:
    """This process as an owner line (``host|node|pid|start``; at most `MAX_LENGTH`
    characters)."""
    pid = os.getpid()
    found = _stat(pid)
    start = found[1] if found else ""
    host = socket.gethostname()[:60].replace("|", "_")
    return f"{host}|{_node()}|{pid}|{start}"[:MAX_LENGTH]


def owner_state(owner: str) -> OwnerState:
    """Whether the process `owner` (a `current_owner()` line) still runs.

    `GONE` when it ran on this node and no process with its id and start time runs
    now (a zombie — killed, not yet reaped by its parent — is gone); `ALIVE` when it
    does; `UNKNOWN` when it ran on another node, or the line is not an owner line.
    Never raises.
    """
    parts = owner.split("|")
    if len(parts) != 4 or parts[1] != _node() or not parts[2].isdigit() or parts[2] == "0":
        return OwnerState.UNKNOWN
    pid, start = int(parts[2]), parts[3]
    found = _stat(pid)
    if found is None:
        return OwnerState.GONE
    state, started = found
    if not state:  # no /proc (not Linux): ask the kernel whether the id exists
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return OwnerState.GONE
        except OSError:
            return OwnerState.ALIVE
        return OwnerState.ALIVE
    if state in ("Z", "X") or (start and started != start):
        return OwnerState.GONE
    return OwnerState.ALIVE


def lower_priority(to: int) -> int:
    """Make this process at least `to` nice (Unix ``nice``, 0–19: the scheduler gives a
    nicer process less CPU time when others want it; a process cannot take it back),
    for background work that should yield to the site's requests. Idempotent: a process
    already that nice is left as it is. Returns the niceness now (0 where the system
    has no ``os.nice``). Never raises."""
    nice = getattr(os, "nice", None)
    if nice is None:
        return 0
    try:
        now = int(nice(0))
        return int(nice(to - now)) if to > now else now
    except OSError:
        return 0


def background_nice(asked: int | None) -> int:
    """The niceness a background command runs at: `asked` (its ``--nice``), else the
    ``HANJARI_BACKGROUND_NICE`` setting (10)."""
    if asked is not None:
        return asked
    from django.conf import settings

    return int(getattr(settings, "HANJARI_BACKGROUND_NICE", 10))
