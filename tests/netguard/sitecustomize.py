"""Network guard for the test suite's pipeline runs (loaded through PYTHONPATH).

Python imports ``sitecustomize`` at start-up, so every Python process that a
test starts with this folder on ``PYTHONPATH`` (Snakemake and each rule script
it runs) refuses to open a connection to anything but the local machine. Each
attempt is appended to the file named by ``SCHEMES_NETGUARD_LOG`` before the
error is raised, so a test can check that no attempt was made even when the
caller swallows the error.
"""

import ipaddress
import os
import socket

_LOG = os.environ.get("SCHEMES_NETGUARD_LOG")
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "", None}


def _is_local(host) -> bool:
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what):
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()}\t{what}\n")
    raise OSError(f"network access blocked by the test suite's guard: {what}")


def _checked(original):
    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            _refuse(f"connect {address!r}")
        return original(self, address)

    return connect


def getaddrinfo(host, *args, **kwargs):
    if not _is_local(host if not isinstance(host, bytes) else host.decode()):
        _refuse(f"getaddrinfo {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _checked(_connect)
socket.socket.connect_ex = _checked(_connect_ex)
socket.getaddrinfo = getaddrinfo
