"""Photograph every dashboard page for docs/screenshots/: each page on a desktop screen, and the 总览 and
数据接入 pages on a 375 px phone. Serves the store with the production server, as the browser tests do.

    .venv/bin/python scripts/screenshots.py [--db URL] [--out docs/screenshots] [--query "date=…&region=…"]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selenium.webdriver.common.by import By  # noqa: E402

from tests.auth_support import login_browser, temporary_admin  # noqa: E402
from tests.browser_support import PHONE, Browser, served  # noqa: E402
from warehouse.db import open_store, resolve_url  # noqa: E402

PHONE_PAGES = ("/", "/ingest")


def _file_name(path: str) -> str:
    return (path.strip("/") or "overview").replace("/", "-") + ".png"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("DATABASE_URL"), help="store URL (default: embedded SQLite)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--query", default="", help="view to photograph, e.g. date=2026-06-30&region=419900")
    args = parser.parse_args()
    url = resolve_url(args.db)
    with tempfile.TemporaryDirectory() as tmp, served(url, Path(tmp) / "serve.log") as base, \
            temporary_admin(open_store(url)) as (username, password):
        browser = Browser(base)
        try:
            login_browser(browser, username, password)
            browser.open("/" + (f"?{args.query}" if args.query else ""), "总览")
            pages = [(a.get_attribute("pathname"), a.get_attribute("search"), a.text)
                     for a in browser.driver.find_elements(By.CSS_SELECTOR, ".navbar a")]
            for path, search, title in pages:
                browser.open(path + search, title)
                browser.screenshot(args.out / _file_name(path))
            browser.viewport(*PHONE)
            for path, search, title in pages:
                if path in PHONE_PAGES:
                    browser.open(path + search, title)
                    browser.screenshot(args.out / _file_name(path).replace(".png", "-phone.png"))
        finally:
            browser.quit()
    print(f"screenshots in {args.out}")


if __name__ == "__main__":
    main()
