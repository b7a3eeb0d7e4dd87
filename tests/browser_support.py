"""Real-browser testing: the production server (`python app.py serve`, gunicorn) on a free local port and
Debian's headless chromium driven by selenium through Debian's chromedriver (no browser download).

Test modules import the fixtures from here (one server and one browser, logged in as an admin, per module) and
define `dashboard_store_url`, the store the server reads. scripts/screenshots.py reuses `served` and `Browser`.
"""
from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.wait import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run")
DESKTOP = (1280, 900)
PHONE = (375, 812)
WAIT_S = 30  # a patience limit for a shared, busy machine, not a speed requirement

# Dash's store is idle when no callback is requested, running or waiting (only stored/completed remain).
_IDLE_JS = """
const s = window.store && window.store.getState();
if (!s || s.isLoading || document.querySelector('._dash-loading')) return false;
return Object.entries(s.callbacks || {})
    .filter(([k]) => k !== 'stored' && k !== 'completed')
    .every(([, v]) => !v || v.length === 0);
"""

# AG Grid draws pinned and scrolling columns in separate row elements; join them back by row index. A grid is
# named by a substring of its id (pattern-matching ids are JSON in the DOM).
_GRID_ROWS_JS = """
const rows = {};
for (const row of document.querySelectorAll("[id*='" + arguments[0] + "'] .ag-row")) {
    const i = row.getAttribute('row-index');
    rows[i] = rows[i] || {};
    for (const cell of row.querySelectorAll('.ag-cell')) rows[i][cell.getAttribute('col-id')] = cell.innerText;
}
return Object.keys(rows).sort((a, b) => a - b).map(k => rows[k]);
"""


# Parts of a page below the first screen are built when they come near it (dashboard.components.deferred): a box
# of class "deferred", empty until then, whose id holds the id of what it will hold.
_REVEAL_JS = """
const box = document.querySelector(".deferred[id*='\\"key\\":\\"" + arguments[0] + "\\"']");
if (!box || box.children.length) return true;
box.scrollIntoView({block: 'center'});
return false;
"""
_REVEAL_ALL_JS = """
const box = [...document.querySelectorAll('.deferred')].find(b => b.offsetParent !== null && !b.children.length);
if (box) box.scrollIntoView({block: 'center'});
return !box;
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(db_url: str, log_path: Path, workers: int = 1):
    """`python app.py serve` on a free port; yields its base URL and stops it afterwards."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "app.py", "serve", "--port", str(port), "--workers", str(workers),
                                 "--db", db_url], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(base, proc, log_path)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=WAIT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_up(base: str, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 3 * WAIT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=5):  # the one page served without a login
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"server did not come up:\n{log_path.read_text(errors='replace')}")


class Browser:
    """One headless chromium; collects the console and network logs of everything it loads."""

    def __init__(self, base: str):
        self.base = base
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--window-size={DESKTOP[0]},{DESKTOP[1]}")
        options.add_argument("--lang=zh-CN")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        self.viewport(*DESKTOP)

    def quit(self) -> None:
        self.driver.quit()

    def viewport(self, width: int, height: int) -> None:
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})

    def query(self) -> dict:
        """The current URL's query, a value a name (the view a shared link carries)."""
        return {k: v[0] for k, v in parse_qs(urlparse(self.driver.current_url).query).items()}

    def open(self, path: str, title: str) -> None:
        """Load `path` and wait until the page titled `title` is drawn and no callback is pending."""
        self.driver.get(self.base + path)
        self.wait_for_page(title)

    def wait_for_page(self, title: str) -> None:
        self.wait(lambda d: d.execute_script(
            "const t = document.getElementById('page-title'); return t && t.innerText;") == title)
        self.wait_idle()

    def wait(self, condition, message: str = "", timeout: float = WAIT_S):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(condition, message)

    def wait_idle(self) -> None:
        self.wait(lambda d: d.execute_script(_IDLE_JS), "Dash callbacks still pending")

    def text(self, element_id: str) -> str:
        return self.driver.execute_script(
            "const e = document.getElementById(arguments[0]); return e ? e.innerText : null;", element_id)

    def value(self, element_id: str) -> str:
        return self.driver.execute_script("return document.getElementById(arguments[0]).value;", element_id)

    def reveal(self, part: str) -> None:
        """When the page builds `part` (an element id, or a substring of it) only once it comes near the screen,
        scroll to it and wait until it is built and its callbacks are done; otherwise nothing."""
        self.wait(lambda d: d.execute_script(_REVEAL_JS, part), f"{part} not shown")
        self.wait_idle()

    def reveal_all(self) -> None:
        """Scroll to every part of the page that is built only when it comes near the screen, until all are built
        and no callback is pending (as a reader scrolling to the end of the page)."""
        self.wait(lambda d: d.execute_script(_REVEAL_ALL_JS), "parts of the page not built")
        self.wait_idle()

    def grid_rows(self, grid_id: str) -> list[dict]:
        """The rows the grid draws (brought into view first, so a grid built on scrolling is there)."""
        self.reveal(grid_id)
        return self.driver.execute_script(_GRID_ROWS_JS, grid_id)

    def console_errors(self) -> list[str]:
        """Browser console errors (SEVERE) since the last call."""
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def requested_urls(self) -> list[str]:
        """Every URL the page requested since the last call (from the DevTools network log)."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the page is wider than the viewport (0 = no sideways scrolling)."""
        return self.driver.execute_script(
            "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth;")

    def download_to(self, folder: Path) -> None:
        """Files the page downloads go to `folder` (headless chromium otherwise refuses them)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow",
                                                                     "downloadPath": str(folder)})

    def click_grid_row(self, grid_id: str, column: str, text: str) -> None:
        """Click the cell of `column` in the row of grid `grid_id` (an id substring) whose cell reads `text`."""
        self.reveal(grid_id)

        def cell(driver):
            for element in driver.find_elements("css selector", f"[id*='{grid_id}'] .ag-cell[col-id='{column}']"):
                if element.text.strip() == text and element.is_displayed():
                    return element
            return None
        self.click(self.wait(cell, f"no row {text!r} in {grid_id}"))

    def click(self, element) -> None:
        """Click an element after bringing it to the middle of the screen (clear of the fixed header)."""
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))


@pytest.fixture(scope="module")
def dashboard_server(dashboard_store_url, tmp_path_factory):
    with served(dashboard_store_url, tmp_path_factory.mktemp("server") / "serve.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser(dashboard_server, dashboard_store_url):
    """A browser logged in as an admin (who may open every page)."""
    from tests.auth_support import browser_login
    from warehouse.db import open_store

    b = Browser(dashboard_server)
    browser_login(b, open_store(dashboard_store_url))
    yield b
    b.quit()
