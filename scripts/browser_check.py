#!/usr/bin/env python3
"""Loads a page in headless Chromium from disk and reports what a reader would see.

Opens PAGE (a file) as file://, waits for it to load, takes a PNG screenshot of the whole page,
and prints one JSON object: every <img> with whether it decoded (naturalWidth > 0), every link
target, the console messages and exceptions (with their level), the page's title and height.
Exits 0 when the page loaded, whatever it found: the caller judges (the end-to-end tests do).

Talks to Chromium through the DevTools protocol over a pipe (--remote-debugging-pipe: JSON
messages separated by NUL bytes on file descriptors 3 and 4), so it needs only Python's standard
library and the Debian package `chromium` (scripts/setup-debian.sh installs it). No network.

    python3 scripts/browser_check.py results/report/index.html --screenshot report.png
"""
import argparse
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    """A headless Chromium driven over --remote-debugging-pipe."""

    def __init__(self, executable, width, height):
        self.profile = tempfile.mkdtemp(prefix="browser-check-")
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()
        # Chromium reads commands from fd 3 and writes replies and events to fd 4.
        self.process = subprocess.Popen(
            [executable, "--headless", "--disable-gpu", "--no-sandbox", "--remote-debugging-pipe",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio",
             "--force-device-scale-factor=1", f"--window-size={width},{height}", f"--user-data-dir={self.profile}",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            pass_fds=(3, 4), preexec_fn=lambda: (os.dup2(to_browser_read, 3), os.dup2(from_browser_write, 4)))
        os.close(to_browser_read)
        os.close(from_browser_write)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None, timeout=60):
        """Sends a command and returns its result; events that arrive meanwhile are kept."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self.receive(deadline)
            if reply is None:
                raise TimeoutError(f"no reply to {method} within {timeout} s")
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def receive(self, deadline):
        """The next message, or None at the deadline."""
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self.from_browser], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe: " + self.stderr_tail())
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, method, timeout=60):
        """Waits for an event (or finds one that already arrived)."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.get("method") == method:
                    return event
            message = self.receive(deadline)
            if message is None:
                raise TimeoutError(f"no {method} within {timeout} s")
            self.events.append(message)

    def drain(self, seconds):
        """Collects events for a little longer (late console messages)."""
        deadline = time.monotonic() + seconds
        while (message := self.receive(deadline)) is not None:
            self.events.append(message)

    def stderr_tail(self):
        try:
            self.process.kill()
            return self.process.stderr.read().decode(errors="replace")[-2000:]
        except Exception:  # noqa: BLE001 - best effort diagnostics
            return ""

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except Exception:  # noqa: BLE001 - the browser may already be gone
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self.to_browser, self.from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


INSPECT = """(() => {
  const images = Array.from(document.images).map(img => ({
    alt: img.alt, source: img.currentSrc.slice(0, 40), complete: img.complete,
    naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight}));
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));
  const svgs = document.querySelectorAll('svg').length;
  return JSON.stringify({title: document.title, images, links, svgs,
    figures: document.querySelectorAll('figure').length,
    height: Math.ceil(document.documentElement.scrollHeight), width: Math.ceil(document.documentElement.scrollWidth)});
})()"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("page", help="the HTML file to open")
    parser.add_argument("--screenshot", help="write a PNG screenshot of the whole page here")
    parser.add_argument("--viewport-screenshot", help="write a PNG of the first screen here")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--timeout", type=float, default=90)
    args = parser.parse_args()

    url = "file://" + os.path.abspath(args.page)
    browser = Browser(args.chromium, args.width, args.height)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"}, timeout=args.timeout)["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": args.width, "height": args.height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        browser.events.clear()
        browser.send("Page.navigate", {"url": url}, session=session, timeout=args.timeout)
        browser.wait_for("Page.loadEventFired", timeout=args.timeout)
        browser.drain(0.5)
        found = json.loads(browser.send("Runtime.evaluate", {"expression": INSPECT, "returnByValue": True},
                                        session=session)["result"]["value"])
        if args.viewport_screenshot:
            shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session, timeout=args.timeout)
            with open(args.viewport_screenshot, "wb") as handle:
                handle.write(base64.b64decode(shot["data"]))
        if args.screenshot:
            clip = {"x": 0, "y": 0, "width": max(found["width"], args.width), "height": found["height"], "scale": 1}
            shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip},
                                session=session, timeout=args.timeout)
            with open(args.screenshot, "wb") as handle:
                handle.write(base64.b64decode(shot["data"]))
        browser.drain(0.2)
    finally:
        browser.close()

    console = []
    for event in browser.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
            console.append({"level": params.get("type"), "source": "console", "text": text})
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            console.append({"level": "error", "source": "exception",
                            "text": details.get("exception", {}).get("description") or details.get("text", "")})
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            console.append({"level": entry.get("level"), "source": entry.get("source"),
                            "text": entry.get("text", "") + (f" ({entry['url']})" if entry.get("url") else "")})
    found["url"] = url
    found["console"] = console
    found["errors"] = [m for m in console if m["level"] in ("error", "assert")]
    print(json.dumps(found, indent=1))


if __name__ == "__main__":
    sys.exit(main())
