"""Network guard for tests: with ``NETGUARD_LOG`` set, every Python process started with this folder on
``PYTHONPATH`` (the test's driver, Ray's raylet-spawned workers, render and bank actors) refuses socket
connections and name lookups outside this machine, and appends each refused one to that log file.

Refusing (a PermissionError raised by an audit hook before the call) means no packet leaves the
machine, so the test itself never sends traffic outside. Allowed: Unix sockets, loopback, this node's
own addresses (Ray's traffic between its processes), numeric look-ups and UDP "connects" (they send
nothing; Ray finds its node address that way). Ray's own daemons (dashboard, agents) are not guarded:
the guard covers the processes that run our code, the driver and the Ray workers that host the actors.
"""

import ipaddress
import os
import socket
import sys

_LOG = os.environ.get("NETGUARD_LOG")


def _own_addresses() -> set:
    out = {"localhost", socket.gethostname()}
    try:
        out |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    except OSError:
        pass
    return out


def _allowed(host) -> bool:
    if host is None or host == "":
        return True
    host = str(host)
    if host in _OWN:
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False  # a name other than ours
    return ip.is_loopback or ip.is_unspecified


def _numeric(host) -> bool:
    try:
        ipaddress.ip_address(str(host).split("%")[0])
        return True
    except ValueError:
        return False


def _hook(event, args):
    if event == "socket.connect":
        sock, address = args
        if sock.family == socket.AF_UNIX or sock.type == socket.SOCK_DGRAM or not isinstance(address, tuple):
            return
        host = address[0]
    elif event == "socket.getaddrinfo":
        host = args[0]
        if host is None or _numeric(host if not isinstance(host, bytes) else host.decode(errors="replace")):
            return
    else:
        return
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if not _allowed(host):
        with open(_LOG, "a") as f:
            f.write(f"{os.getpid()} {event} {host} {sys.argv[:1]}\n")
        raise PermissionError(f"netguard: connection to {host} refused (outside this machine)")


_RAY_DAEMONS = ("ray/dashboard/", "ray/_private/runtime_env/agent/", "ray/_private/log_monitor",
                "ray/autoscaler/", "ray/_private/monitor")
if _LOG and not any(d in (sys.argv[0] if sys.argv else "") for d in _RAY_DAEMONS):
    _OWN = _own_addresses()
    sys.addaudithook(_hook)
