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


def _resolver(original, name):
    def resolve(host, *args, **kwargs):
        text = host.decode() if isinstance(host, bytes) else host
        if not _is_local(text):
            _refuse(f"{name} {host!r}")
        return original(host, *args, **kwargs)

    return resolve


def _checked_sendto(original):
    def sendto(self, data, *args):
        address = args[-1]
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            _refuse(f"sendto {address!r}")
        return original(self, data, *args)

    return sendto


for _name in ("gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
    setattr(socket, _name, _resolver(getattr(socket, _name), _name))
socket.socket.sendto = _checked_sendto(socket.socket.sendto)
socket.socket.connect = _checked(_connect)
socket.socket.connect_ex = _checked(_connect_ex)
socket.getaddrinfo = getaddrinfo
