"""The test suite's network guard (tests/netguard) blocks what it should, and only that."""

import subprocess
import sys

from conftest import guarded_env


def run_python(code, log):
    return subprocess.run(
        [sys.executable, "-c", code],
        env=guarded_env(log),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_remote_connections_are_refused_and_logged(tmp_path):
    log = tmp_path / "net.log"
    code = (
        "import socket, urllib.request\n"
        "udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "for attempt in (lambda: urllib.request.urlopen('http://pypi.org', timeout=5),\n"
        "                lambda: socket.create_connection(('93.184.215.14', 80), timeout=5),\n"
        "                lambda: socket.gethostbyname('example.org'),\n"
        "                lambda: udp.sendto(b'x', ('8.8.8.8', 53))):\n"
        "    try:\n"
        "        attempt()\n"
        "    except OSError as err:\n"
        "        print('refused:', err)\n"
    )
    proc = run_python(code, log)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("blocked by the test suite's guard") == 4
    attempts = log.read_text().splitlines()
    assert any("pypi.org" in a for a in attempts)
    assert any("93.184.215.14" in a for a in attempts)
    assert any("example.org" in a for a in attempts) and any("8.8.8.8" in a for a in attempts)


def test_loopback_and_unix_sockets_still_work(tmp_path):
    log = tmp_path / "net.log"
    code = (
        "import socket\n"
        "server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen(1)\n"
        "client = socket.create_connection(('localhost', server.getsockname()[1]))\n"
        "a, b = socket.socketpair(); a.sendall(b'x'); assert b.recv(1) == b'x'\n"
        "print('ok')\n"
    )
    proc = run_python(code, log)
    assert proc.stdout.strip() == "ok", proc.stderr
    assert not log.exists()
