"""The demo report in a real browser (headless Chromium, driven over the DevTools protocol).

At a desktop width (1280 px) and a phone width (390 px, mobile emulation) the rendered page
shows the summary, the KPI charts and the heat maps under their names, the level, every rule and
the plan; at 390 px the page itself never scrolls sideways (wide tables and the heat maps scroll
in their own boxes). The Chinese report has no English heading. Full-page screenshots are kept
as ``artifacts/report-<lang>-<width>.png`` (git-ignored; CI keeps them as artifacts).
Run with ``pytest -m browser`` (``nox -s browser``).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import ccmm
from ccmm.examples import load_example_assessment
from ccmm.planning import plan
from ccmm.report import demo_report, render_html

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
#: Every part a manager looks for, by the id it carries in the page.
NAMED_PARTS = (
    "summary",
    "radar",
    "kpis",
    "chart-service_level",
    "chart-abandon_rate",
    "chart-asa_seconds",
    "heatmap-offered-chart",
    "heatmap-service-level-chart",
    "staffing-chart",
    "evidence",
)

websocket = pytest.importorskip("websocket")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


class DevTools:
    """One headless Chromium with a fresh profile, and a DevTools session on its first tab."""

    def __init__(self, profile: Path) -> None:
        self.process = subprocess.Popen(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as r:
            tab = next(t for t in json.load(r) if t["type"] == "page")
        self.socket = websocket.create_connection(tab["webSocketDebuggerUrl"], timeout=60)
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self.ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        while not any(e.get("method") == event for e in self.events):
            self.events.append(json.loads(self.socket.recv()))

    def open(self, url: str, width: int) -> None:
        """Load ``url`` in a viewport ``width`` px wide (a phone below 600 px)."""
        mobile = width < 600
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=844 if mobile else 900,
            deviceScaleFactor=1,
            mobile=mobile,
        )
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def screenshot(self, target: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        target.write_bytes(base64.b64decode(data["data"]))

    def console_errors(self) -> list[str]:
        return [
            json.dumps(e["params"])
            for e in self.events
            if e.get("method") == "Runtime.exceptionThrown"
            or (
                e.get("method") == "Runtime.consoleAPICalled"
                and e["params"].get("type") in {"error", "warning"}
            )
        ]

    def close(self) -> None:
        if hasattr(self, "socket"):
            self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    tools = DevTools(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield tools
    finally:
        tools.close()


@pytest.fixture(scope="module")
def report_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("demo")
    report = demo_report()
    files = {}
    for lang in ("en", "zh"):
        files[lang] = folder / f"report-{lang}.html"
        files[lang].write_text(render_html(report, lang), encoding="utf-8")  # type: ignore[arg-type]
    return files


LAYOUT = """(() => {
  const d = document.documentElement;
  const named = {};
  for (const id of NAMED_PARTS) {
    const el = document.getElementById(id);
    named[id] = el ? {
      visible: el.getBoundingClientRect().width > 0,
      name: (el.getAttribute('aria-label') || el.querySelector('[aria-label]')?.getAttribute(
        'aria-label') || el.querySelector('h2,h3,h4')?.textContent || el.textContent).trim()
    } : null;
  }
  const overflowing = [...document.body.querySelectorAll('*')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.right > d.clientWidth + 0.5 && !el.closest('.scroll');
  }).map(el => el.tagName + '.' + el.className).slice(0, 10);
  return {scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, named: named,
          overflowing: overflowing,
          headings: [...document.querySelectorAll('h1,h2,h3,h4')].map(h => h.textContent),
          steps: document.querySelectorAll('tr.step').length,
          rules: [...document.querySelectorAll('tr.rule')].map(r => r.className)};
})()""".replace("NAMED_PARTS", json.dumps(list(NAMED_PARTS)))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [1280, 390])
def test_report_renders_named_parts_without_sideways_scrolling(
    browser: DevTools, report_files: dict[str, Path], width: int, lang: str
) -> None:
    browser.open(report_files[lang].as_uri(), width)
    layout = browser.evaluate(LAYOUT)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"report-{lang}-{width}.png"
    browser.screenshot(shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"{lang} {width}px: scrollWidth={layout['scrollWidth']} clientWidth="
          f"{layout['clientWidth']} screenshot={shot}")
    assert browser.console_errors() == []
    # The page never scrolls sideways; what is wide scrolls inside its own box.
    assert width - 20 <= layout["clientWidth"] <= width  # a desktop scrollbar takes its part
    assert layout["scrollWidth"] <= layout["clientWidth"], layout["overflowing"]
    assert layout["overflowing"] == []
    for part in NAMED_PARTS:
        found = layout["named"][part]
        assert found is not None, f"#{part} is missing"
        assert found["visible"], f"#{part} takes no space"
        assert found["name"], f"#{part} has no name"
    evaluation = ccmm.evaluate(load_example_assessment())
    assert [c.split()[1:3] for c in layout["rules"]] == [
        ["pass" if r.holds else "fail", f"level-{r.level}"] for r in evaluation.rules
    ]
    assert layout["steps"] == len(plan(load_example_assessment(), evaluation.level + 1).steps)
    if lang == "zh":
        # Every heading is Chinese: at most the names of measures and levels stay in Latin
        # letters (C-Rate, F-Rate, CRUCIAL, KPI, SL, L1–L5).
        allowed = re.compile(r"C-Rate|F-Rate|CRUCIAL|KPI|SL|L\d|\d")
        english = [h for h in layout["headings"] if re.search(r"[A-Za-z]{2,}", allowed.sub("", h))]
        assert english == []
        assert all(re.search(r"[\u4e00-\u9fff]", h) for h in layout["headings"])
