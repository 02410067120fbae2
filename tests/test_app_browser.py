"""The workshop page in a real headless Chromium (Playwright driving the system Chromium).

The server runs as `staffsim app --no-browser` in a subprocess on a free port.
Screenshots go to results/app-screenshots/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("STAFFSIM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path("results/app-screenshots")

playwright_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (the test extra)")
pytest.importorskip("starlette", reason="needs the app extra (pip install 'staffsim[app]')")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (install chromium or set STAFFSIM_CHROMIUM)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(results: Path, *args: str):
    """`staffsim app --no-browser` on a free port; yields its URL until the test module is done."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "staffsim", "app", "--no-browser", "--port", str(port),
                             "--results", str(results), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "api/designs", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"staffsim app exited: {proc.stdout.read()}")
            time.sleep(0.1)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:  # a loaded machine: do not leave it running
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    results = tmp_path_factory.mktemp("app-results")
    for url in start_app(results):
        yield url, results


@pytest.fixture(scope="module")
def ensemble_server(tmp_path_factory):
    """The app with --ensemble: a finished fit of the traditional design with three parameter sets."""
    from staffsim.scenario.loading import check_scenario
    from staffsim.scenario.shipped import shipped_designs
    from test_ensemble import PARAMS, fake_fit

    data = check_scenario(shipped_designs()["traditional"])[1]
    members = [{PARAMS[0]: g, PARAMS[1]: k} for g, k in ((0.012, 0.8), (0.03, 3.0), (0.02, 1.5))]
    fit = fake_fit(tmp_path_factory.mktemp("fit"), data, members)
    for url in start_app(tmp_path_factory.mktemp("app-results"), "--ensemble", str(fit)):
        yield url, fit


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    url, _ = server
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.requests = []  # every URL the page asks for
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.goto(url)
    wait_done(pg, None)
    yield pg
    context.close()


def wait_done(pg, before: str | None, timeout: float = 60_000) -> str:
    """Wait until a stream has ended after `before` (the body's data-done stamp), and return the new stamp."""
    pg.wait_for_function("(b) => document.body.dataset.done && document.body.dataset.done !== b", arg=before,
                         timeout=timeout)
    return pg.evaluate("document.body.dataset.done")


def cell(pg, metric: str, design: int) -> float:
    return float(pg.get_attribute(f'tr[data-metric="{metric}"] td[data-design="{design}"]', "data-value"))


def shot(pg, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def test_page_loads_everything_from_localhost(page):
    assert page.locator("#results tbody tr").count() >= 6
    hosts = {urlparse(u).hostname for u in page.requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, page.requests
    assert page.locator(".badge.base").count() == 1
    shot(page, "1-loaded")


def test_class_size_slider_moves_workload_and_students_per_adult(page):
    before = {m: cell(page, m, 1) for m in ("total_work_hours_per_week", "students_per_adult")}
    stamp = page.evaluate("document.body.dataset.done")
    slider = page.locator('.card[data-slot="1"] input[data-lever="class_size"]')
    slider.fill("30")
    stamp = wait_done(page, stamp)
    assert page.locator('.card[data-slot="1"] .badge.modified').count() == 1
    assert "modified" in page.locator("#results thead th").nth(2).inner_text()
    after = {m: cell(page, m, 1) for m in before}
    shot(page, "2-class-size-30")
    # larger classes: more students per adult (rosters scale) and more work (per-student workload)
    assert after["students_per_adult"] > before["students_per_adult"]
    assert after["total_work_hours_per_week"] > before["total_work_hours_per_week"]


def test_saved_design_round_trips_through_validate_and_compare(page, tmp_path):
    page.locator('.card[data-slot="1"] input[data-lever="substitute_pool"]').fill("6")
    stamp = wait_done(page, page.evaluate("document.body.dataset.done"))
    shown = cell(page, "uncovered_absence_share", 1), cell(page, "planning_hours_per_week", 1)
    with page.expect_download() as dl:
        page.locator('.card[data-slot="1"] button.save').click()
    saved = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved)
    assert saved.name.endswith("-modified.yaml")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path.cwd()), os.environ.get("PYTHONPATH", "")])}
    v = subprocess.run([sys.executable, "-m", "staffsim", "validate", str(saved)], capture_output=True, text=True, env=env)
    assert v.returncode == 0, v.stderr
    base = page.locator('.card[data-slot="0"] select').input_value()
    out = tmp_path / "run"
    c = subprocess.run([sys.executable, "-m", "staffsim", "compare", base, str(saved), "-n", "20", "--seed", "1",
                        "--out", str(out), "-q", "-w", "2"], capture_output=True, text=True, env=env)
    assert c.returncode == 0, c.stderr
    import pandas as pd

    comp = pd.read_parquet(out / "comparison.parquet")
    label = comp["scenario"].unique()[1]
    got = comp[comp.scenario == label].set_index("metric")["mean"]
    assert got["uncovered_absence_share"] == pytest.approx(shown[0], rel=1e-12, abs=1e-15)
    assert got["planning_hours_per_week"] == pytest.approx(shown[1], rel=1e-12)
    shot(page, "3-saved")


def test_invalid_upload_shows_field_and_line(page, tmp_path):
    from staffsim.scenario.shipped import shipped_designs

    text = shipped_designs()["traditional"].read_text().replace("class_size: 24", "class_size: -3")
    bad = tmp_path / "broken.yaml"
    bad.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "class_size: -3" in t)
    page.set_input_files("#upload", str(bad))
    page.wait_for_selector("#messages li")
    message = page.inner_text("#messages")
    assert "class_size" in message and f"line {line}" in message and "Traceback" not in message
    shot(page, "4-invalid-upload")


def test_week_of_a_role(page):
    page.select_option("#week-design", "1")
    page.wait_for_selector("#week-role option:nth-child(2)", state="attached")
    role = page.locator("#week-role option").nth(1).get_attribute("value")
    page.select_option("#week-role", role)
    page.wait_for_selector("#week-figure svg")
    page.locator("#week").scroll_into_view_if_needed()
    shot(page, "5-week")


def test_protected_planning_switch_keeps_more_planning(page):
    before = cell(page, "planning_hours_per_week", 0)
    stamp = page.evaluate("document.body.dataset.done")
    page.locator('.card[data-slot="0"] input[data-lever="protected_planning"]').check()
    wait_done(page, stamp)
    assert page.locator('.card[data-slot="0"] .badge.modified').count() == 1
    assert "on" in page.locator('.card[data-slot="0"] .lever.switch .val').first.inner_text()
    assert cell(page, "planning_hours_per_week", 0) > before  # colleagues' planning no longer goes to cover
    page.set_viewport_size({"width": 1280, "height": 1280})
    shot(page, "6-protected-planning-top", full_page=False)  # the README's picture (docs/app.md says how)
    shot(page, "6-protected-planning")


def test_ensemble_shows_both_intervals(browser, ensemble_server):
    url, fit = ensemble_server
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    pg = context.new_page()
    pg.goto(url)
    wait_done(pg, None, timeout=120_000)
    note = pg.inner_text("#interval-note")
    assert "with parameters" in note and "3 calibrated parameter sets" in note and str(fit) in note
    td = pg.locator('tr[data-metric="burnout_share"] td[data-design="1"]')
    assert "seeds:" in td.inner_text() and "with parameters:" in td.inner_text() and "…" not in td.inner_text()
    assert "over the ensemble" in pg.inner_text("#progress-text")
    shot(pg, "7-ensemble")
    context.close()


def test_export_report_shows_the_reports_figures(page, server):
    _, results = server
    page.click("#export")
    page.wait_for_selector("#report-figures img", timeout=180_000)
    assert "Report written" in page.inner_text("#messages") and str(results) in page.inner_text("#messages")
    assert page.locator("#report-figures figure").count() >= 4
    ranges = page.locator('.card[data-slot="0"] input[data-lever="class_size"] + .range').inner_text()
    assert "10" in ranges and "40 students" in ranges  # each slider shows its range and unit
    page.locator("#report-figures").scroll_into_view_if_needed()
    shot(page, "8-report-figures")
