"""A small headless-chromium driver for tests: the DevTools protocol over a pipe.

Debian's ``chromium`` is started with ``--remote-debugging-pipe`` (it reads
commands on file descriptor 3 and answers on 4, JSON messages ended by a
NUL byte), so no extra Python package and no network port is needed. The
browser runs with a fresh profile, without sandbox, GPU, first-run page,
background networking, component updates or sync (the network is closed).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import time

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
]


def find_chromium() -> str | None:
    """The chromium executable, or None (the browser tests then skip)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless chromium with one page; :meth:`evaluate` runs JavaScript in it."""

    def __init__(self, binary: str, profile, *, timeout: float = 60.0):
        self.timeout = timeout
        to_read, self._to_browser = os.pipe()
        self._from_browser, to_write = os.pipe()

        def descriptors():  # the browser reads commands on fd 3 and answers on fd 4
            # copies above 10 first: the pipe ends may themselves be 3 or 4
            high_read = fcntl.fcntl(to_read, fcntl.F_DUPFD, 10)
            high_write = fcntl.fcntl(to_write, fcntl.F_DUPFD, 10)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=descriptors,
        )
        os.close(to_read)
        os.close(to_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        page = next(
            t["targetId"]
            for t in self.call("Target.getTargets")["targetInfos"]
            if t["type"] == "page"
        )
        self.session = self.call("Target.attachToTarget", targetId=page, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError("no answer from chromium in time")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, *, session: bool = False, **params) -> dict:
        """Send one protocol command and return its result (events are kept in ``events``)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def open(self, url: str) -> None:
        """Load ``url`` in the page and wait for its load event."""
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._read_message(deadline))

    def evaluate(self, expression: str, *, context: int | None = None):
        """The value of a JavaScript expression in the page (or in an execution context)."""
        params = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        if context is not None:
            params["contextId"] = context
        result = self.call("Runtime.evaluate", session=True, **params)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, *, context: int | None = None):
        """Poll a JavaScript expression until it is truthy; return its value."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression, context=context)
            if value:
                return value
            time.sleep(0.2)
        raise BrowserError(f"still false after {self.timeout} s: {expression[:120]}")

    def frame_context(self, url_prefix: str) -> int:
        """An execution context in the child frame whose URL starts with ``url_prefix``."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            tree = self.call("Page.getFrameTree", session=True)["frameTree"]
            for child in tree.get("childFrames", []):
                frame = child["frame"]
                if frame.get("url", "").startswith(url_prefix):
                    world = self.call("Page.createIsolatedWorld", session=True, frameId=frame["id"])
                    return world["executionContextId"]
            time.sleep(0.2)
        raise BrowserError(f"no frame loaded {url_prefix[:40]}...")

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except BrowserError:
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
