"""Dashboard benchmark: every page's initial callbacks against the SQL they run, the voucher list's pages, full
page loads in the browser, and 20 concurrent users against the production server.

    python bench/dashboard_bench.py --db sqlite:////tmp/dash-demo/store.db            # a demo store
    python bench/dashboard_bench.py --db sqlite:////tmp/budget-bench/full.db          # the 10-million-voucher store

1. The browser opens each page once (production server, `python app.py serve`) and the requests its callbacks
   make are recorded. Each is then replayed in-process (the same Dash app, Flask's test client) while the SQL
   statements it runs are recorded; those statements are then run again alone (execute + fetch, the same
   connection pool), so "callback" and "its SQL" are timed side by side on the same machine in the same run.
2. The voucher list walks 50 pages by key (the newest vouchers of the year for the whole region, then sorted
   by amount, then filtered by payee), each page timed.
3. Full page loads: navigation start to every callback done and every chart drawn, per page, 3 times — timed
   inside the page (it reports the moment itself, so the time selenium takes to poll on a busy machine is not
   counted), with the time the browser's main thread was busy (Chromium's TaskDuration) beside it. The parts of
   a page below the first screen, built only when the reader scrolls to them, are not part of the load (the
   first visit scrolls to them, so their callbacks are recorded for 1. and 4.).
4. N simulated users (threads with their own connections) each load pages in a loop — the page, then its
   callbacks in the order the browser made them — for the given time; latency p95 and errors are counted.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine, write_section  # noqa: E402

PAGES = [("/", "总览"), ("/execution", "预算执行"), ("/sangong", "三公经费"), ("/debt", "政府债务"),
         ("/revenue", "收入"), ("/state-assets", "国有资产"), ("/audit", "审计整改"), ("/projects", "重大项目"),
         ("/alerts", "预警中心"), ("/ingest", "数据接入")]
UPDATE = "/_dash-update-component"


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# 1. Recording what a page asks for ------------------------------------------------------------------------
# Resolves with performance.now() (ms since navigation start) once the page's title is drawn, Dash has no
# callback requested, running or waiting, and every chart is drawn — seen on two checks 20 ms apart (so a
# moment between two rounds of callbacks is not taken for the end), less those 20 ms.
LOADED_JS = """
const title = arguments[0], done = arguments[arguments.length - 1];
let seen = 0;
function ready() {
    const t = document.getElementById('page-title');
    const s = window.store && window.store.getState();
    if (!t || t.innerText !== title || !s || s.isLoading || document.querySelector('._dash-loading')) return false;
    const pending = Object.entries(s.callbacks || {}).filter(([k]) => k !== 'stored' && k !== 'completed')
        .some(([, v]) => v && v.length);
    return !pending && [...document.querySelectorAll('.js-plotly-plot')].every(p => p._fullLayout);
}
(function check() {
    if (ready()) { if (++seen === 2) { done(performance.now() - 20); return; } } else { seen = 0; }
    setTimeout(check, 20);
})();
"""


def capture(base: str, query: str, login: tuple[str, str]) -> tuple[dict, dict]:
    """({page: [callback request bodies]}, {page: [(full load s, main thread busy s)]}) from a real browser."""
    from tests.auth_support import login_browser
    from tests.browser_support import WAIT_S, Browser

    browser = Browser(base)
    browser.driver.set_script_timeout(WAIT_S)
    browser.driver.execute_cdp_cmd("Performance.enable", {})
    bodies, loads = {}, {}
    try:
        login_browser(browser, *login)
        for path, title in PAGES:
            browser.requested_urls()
            _drain(browser)
            for attempt in range(4):  # the first visit records the callbacks; the rest time full loads
                browser.driver.get(f"{base}{path}?{query}")
                took = browser.driver.execute_async_script(LOADED_JS, title) / 1000
                if attempt == 0:
                    browser.reveal_all()  # and those of the parts built when scrolled to (replayed, load-tested)
                    browser.driver.execute_script("window.scrollTo(0, 0)")  # the next loads open at the top
                    bodies[path] = _posted(browser)
                else:
                    loads.setdefault(path, []).append((took, _busy(browser)))
                _drain(browser)
    finally:
        browser.quit()
    return bodies, loads


def _busy(browser) -> float:
    """Seconds the page's main thread has been running tasks since its navigation (script, style, layout …)."""
    metrics = browser.driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")


def _drain(browser) -> None:
    browser.driver.get_log("performance")


def _posted(browser) -> list[dict]:
    out = []
    for entry in browser.driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        request = message["params"]["request"]
        if request["url"].split("?")[0].endswith(UPDATE) and request.get("postData"):
            out.append(json.loads(request["postData"]))
    return out


# Replaying in-process, with the SQL of each request -----------------------------------------------------------
class SqlRecorder:
    """Records the statements a request runs (per thread) and times them run again alone."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.engine, self.local = engine, threading.local()
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        """Queries only: the connection's own transaction and pragma statements are not the page's SQL, nor is
        the login check's session lookup, which every request makes (it is part of the floor, see markdown)."""
        if getattr(self.local, "statements", None) is not None and not executemany \
                and statement.lstrip().upper().startswith(("SELECT", "WITH")) and "app_session" not in statement:
            self.local.statements.append((statement, parameters))

    def record(self):
        self.local.statements = []

    def take(self) -> list:
        statements, self.local.statements = self.local.statements, None
        return statements

    def time(self, statements: list) -> float:
        """Seconds to run the statements again, each executed and fetched to the end."""
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            started = time.perf_counter()
            for statement, parameters in statements:
                cursor = raw.cursor()
                cursor.execute(statement, parameters)
                if cursor.description:
                    cursor.fetchall()
                cursor.close()
            return time.perf_counter() - started


def replay(url: str, bodies: dict, repeats: int, login: tuple[str, str]) -> list[dict]:
    from dashboard import create_app, store
    from tests.auth_support import csrf, login as log_in

    app = create_app(url)
    with app.server.app_context():
        recorder = SqlRecorder(store.engine())
    client = app.server.test_client()
    log_in(client, *login)
    headers = csrf(client)
    results = []
    for path, requests in bodies.items():
        for body in requests:
            totals, sqls, statuses = [], [], set()
            for _ in range(repeats):
                recorder.record()
                started = time.perf_counter()
                response = client.post(UPDATE, json=body, headers=headers)
                totals.append(time.perf_counter() - started)
                statuses.add(response.status_code)
                sqls.append(recorder.time(recorder.take()))
            results.append({"page": path, "callback": _label(body), "p95_ms": ms(p95(totals)),
                            "median_ms": ms(statistics.median(totals)), "sql_p95_ms": ms(p95(sqls)),
                            "sql_median_ms": ms(statistics.median(sqls)), "statuses": sorted(statuses)})
    return results


def _label(body: dict) -> str:
    """The callback's first output, e.g. 'overview-kpis.children' (pattern ids by their type)."""
    outputs = body.get("outputs")
    first = (outputs[0] if isinstance(outputs, list) and outputs else outputs) or {}
    if isinstance(first, list):  # an ALL wildcard output: one spec per matching component
        first = first[0] if first else {}
    ident = first.get("id", "")
    if isinstance(ident, dict):
        ident = ident.get("type", "")
    more = f" (+{len(outputs) - 1})" if isinstance(outputs, list) and len(outputs) > 1 else ""
    return f"{ident}.{first.get('property', '')}{more}"


# 2. The voucher list ------------------------------------------------------------------------------------------
def voucher_pages(url: str, day: dt.date, region: str, pages: int = 50) -> dict:
    from dashboard.queries.vouchers import VoucherScope, voucher_count, voucher_page
    from warehouse.db import open_store

    engine = open_store(url)
    scope = VoucherScope(region, dt.date(day.year, 1, 1), day)
    out = {"vouchers_in_list": voucher_count(engine, scope, cap=10 ** 9)}
    runs = {"按日期（默认）": (("pay_date", "desc"), None), "按金额": (("pay_amount", "desc"), None),
            "筛选收款人": (("pay_date", "desc"), {"payee_name": {"filterType": "text", "type": "contains",
                                                           "filter": "公司"}})}
    for name, (sort, filters) in runs.items():
        times, after = [], None
        for _ in range(pages):
            started = time.perf_counter()
            _, after = voucher_page(engine, scope, sort, filters, after)
            times.append(time.perf_counter() - started)
            if after is None:
                break
        out[name] = {"pages": len(times), "p95_ms": ms(p95(times)), "max_ms": ms(max(times)),
                     "first_ms": ms(times[0]), "last_ms": ms(times[-1])}
    return out


# 4. Concurrent users -------------------------------------------------------------------------------------------
def load_test(base: str, query: str, bodies: dict, users: int, seconds: float, login: tuple[str, str]) -> dict:
    from tests.auth_support import http_login

    deadline = time.monotonic() + seconds
    session = http_login(base, *login)  # every simulated user shares one logged-in session
    lock = threading.Lock()
    requests, views, errors = [], [], []

    def post(body) -> None:
        data = json.dumps(body).encode()
        request = urllib.request.Request(base + UPDATE, data=data,
                                         headers={"Content-Type": "application/json", **session})
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()

    def user(n: int) -> None:
        k = n
        while time.monotonic() < deadline:
            path = PAGES[k % len(PAGES)][0]
            k += 1
            view_started = time.perf_counter()
            page = urllib.request.Request(f"{base}{path}?{query}", headers=session)
            steps = [lambda: urllib.request.urlopen(page, timeout=60).read()]
            steps += [lambda body=body: post(body) for body in bodies.get(path, [])]
            for step in steps:
                started = time.perf_counter()
                try:
                    step()
                    with lock:
                        requests.append(time.perf_counter() - started)
                except (urllib.error.URLError, OSError, TimeoutError) as exc:
                    with lock:
                        errors.append(f"{path}: {exc}")
            with lock:
                views.append(time.perf_counter() - view_started)

    with concurrent.futures.ThreadPoolExecutor(max_workers=users) as pool:
        list(pool.map(user, range(users)))
    return {"users": users, "seconds": seconds, "requests": len(requests), "page_views": len(views),
            "request_p50_ms": ms(statistics.median(requests)) if requests else None,
            "request_p95_ms": ms(p95(requests)), "page_view_p95_ms": ms(p95(views)), "errors": len(errors),
            "error_samples": errors[:5]}


# Report ------------------------------------------------------------------------------------------------------
def markdown(data: dict) -> str:
    lines = [
        "## 驾驶舱 / Dashboard (`bench/dashboard_bench.py`)", "",
        f"Store: {data['store']} ({data['vouchers']:,} vouchers), view {data['query']}; {data['machine']}, "
        f"load average {data.get('load_start', data['load']):.1f} at the start, {data['load']:.1f} at the end "
        f"(the machine is shared). Production server (gunicorn, {data['workers']} workers × "
        f"{data.get('threads', 4)} threads), `debug=False`.", "",
        "### 每页初始回调与其 SQL / Initial callbacks against the SQL they run",
        f"Each callback replayed {data['repeats']} times in-process; its SQL statements run again alone right after "
        "(execute + fetch). Targets on the 10-million-voucher store: p95 ≤ 300 ms and ≤ 2 × its SQL.", "",
        "| page | callback (first output) | p95 ms | SQL p95 ms | ratio |", "|---|---|---:|---:|---:|"]
    shown = [r for r in data["callbacks"] if r["sql_p95_ms"] > 0]  # the page's figures and lists: any SQL of its own
    for r in shown:
        lines.append(f"| {r['page']} | `{r['callback']}` | {r['p95_ms']} | {r['sql_p95_ms']} | "
                     f"{r['p95_ms'] / r['sql_p95_ms']:.1f} |")
    rest = [r for r in data["callbacks"] if r not in shown]
    worst = max(data["callbacks"], key=lambda r: r["p95_ms"])
    floor = statistics.median([r["p95_ms"] for r in rest] or [0])
    lines += ["", f"The other {len(rest)} callbacks (URL, navigation, page frame; no SQL of their own, only the login check's "
              f"session lookup) take at most {max((r['p95_ms'] for r in rest), default=0)} ms, median p95 {floor} ms: "
              "that much (Dash, the login check, JSON) is under every callback, so one whose own SQL takes a few ms "
              f"cannot be within 2 × of it. Slowest: {worst['page']} `{worst['callback']}` p95 {worst['p95_ms']} ms "
              f"(its SQL {worst['sql_p95_ms']} ms). Of these {len(shown)} callbacks, "
              f"{sum(r['p95_ms'] <= 300 for r in shown)} have p95 ≤ 300 ms and "
              f"{sum(r['p95_ms'] <= 2 * r['sql_p95_ms'] for r in shown)} are within 2 × their SQL.", "",
              "### 凭证列表翻页 / Voucher list pages (keyset, 100 rows)",
              f"{data['voucher_pages']['vouchers_in_list']:,} vouchers in the region's list for the year "
              "(target: any page ≤ 150 ms).", "", "| order | pages | first ms | last ms | p95 ms | max ms |",
              "|---|---:|---:|---:|---:|---:|"]
    for name, r in data["voucher_pages"].items():
        if isinstance(r, dict):
            lines.append(f"| {name} | {r['pages']} | {r['first_ms']} | {r['last_ms']} | {r['p95_ms']} | "
                         f"{r['max_ms']} |")
    lines += ["", "### 浏览器整页加载 / Full page load in the browser",
              "Navigation start → every callback done and every chart drawn, timed in the page (headless Chromium, "
              "1280 × 900, 3 loads each; target ≤ 2 s; the parts below the first screen are built when scrolled to, "
              "after the load). Main thread busy: the time the page's main thread ran tasks (script, "
              "style, layout, paint) in that span — the browser's own work, which a busy machine stretches like the "
              "server's.", "",
              "| page | median s | max s | main thread busy, median s |", "|---|---:|---:|---:|"]
    for path, runs in data["page_loads"].items():
        times, busy = [t for t, _ in runs], [b for _, b in runs]
        lines.append(f"| {path} | {statistics.median(times):.2f} | {max(times):.2f} | {statistics.median(busy):.2f} |")
    load = data["load_test"]
    lines += ["", f"### {load['users']} 个并发用户 / {load['users']} concurrent users",
              f"{load['seconds']:.0f} s against the server on 127.0.0.1: {load['page_views']} page views, "
              f"{load['requests']} requests; request p50 {load['request_p50_ms']} ms, "
              f"**p95 {load['request_p95_ms']} ms**, "
              f"page view (page + all its callbacks in a row) p95 {load['page_view_p95_ms']} ms; "
              f"**errors {load['errors']}** (target p95 ≤ 1 s, no errors).", "",
              "Reproduce: `python bench/dashboard_bench.py --db URL [--date D] [--region R] "
              f"[--users {load['users']}] [--seconds S]`."]
    return "\n".join(lines)


def main() -> None:
    from cli.serve_cmd import THREADS
    from tests.auth_support import temporary_admin
    from tests.browser_support import served
    from warehouse.db import open_store, resolve_url

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=os.environ.get("DATABASE_URL"))
    ap.add_argument("--date", type=dt.date.fromisoformat, help="as-of date (default: the newest business date)")
    ap.add_argument("--region", help="region (default: the top region)")
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    url = resolve_url(args.db)

    from sqlalchemy import func, select

    from dashboard.queries.ingest import latest_business_date
    from dashboard.queries.regions import region_tree
    from warehouse.schema import pay

    engine = open_store(url)
    day = args.date or latest_business_date(engine)
    region = args.region or region_tree(engine).top()
    with engine.connect() as conn:
        vouchers = conn.scalar(select(func.count()).select_from(pay))
    query = f"date={day}&region={region}"
    load_start = os.getloadavg()[0]  # the machine is shared: every time here stretches with its load
    with tempfile.TemporaryDirectory() as tmp, served(url, Path(tmp) / "serve.log", workers=args.workers) as base, \
            temporary_admin(engine) as login:
        print("recording the pages' callbacks and timing full loads …", flush=True)
        bodies, loads = capture(base, query, login)
        print(f"{args.users} users for {args.seconds:.0f} s …", flush=True)
        load = load_test(base, query, bodies, args.users, args.seconds, login)
        print("replaying callbacks and their SQL …", flush=True)
        callbacks = replay(url, bodies, args.repeats, login)
    print("voucher list pages …", flush=True)
    pages = voucher_pages(url, day, region)
    data = {"store": url.rsplit("/", 1)[-1], "vouchers": vouchers, "query": query, "machine": machine(),
            "load_start": load_start, "load": os.getloadavg()[0], "workers": args.workers, "threads": THREADS,
            "repeats": args.repeats, "callbacks": callbacks, "voucher_pages": pages, "page_loads": loads,
            "load_test": load}
    write_section("dashboard", markdown(data), data)
    print(markdown(data))


if __name__ == "__main__":
    main()
