"""A researcher's path through the lab in a real Chromium: browse, filter, open a paper, log
in, queue a smoke run, watch it finish without reloading, see the curve, download the zip,
compare two runs. Screenshots of each main page go to test-artifacts/screenshots/."""
from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import expect

from apps.runs.models import Run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page.locator(".account-nav")).to_contain_text(username)


def test_a_researcher_queues_watches_downloads_and_compares(page, live_server, worker, alice, screenshot, tmp_path):
    base = live_server.url
    page.goto(base + "/")
    expect(page.locator("#result-count")).to_have_text("42 of 42 papers")
    screenshot(page, "01-catalog")
    page.fill("input[name=q]", "Sinkhorn")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#result-count")).to_have_text("1 of 42 papers")
    page.select_option("select[name=status]", "runnable")
    page.fill("input[name=q]", "")
    page.click("form.filters button[type=submit]")
    expect(page.locator(".paper-card").first).to_be_visible()

    page.goto(base + "/papers/3/")
    expect(page.get_by_text("to queue a run")).to_be_visible()
    log_in(page, base, "alice", "alice-password-1")
    page.goto(base + "/papers/3/")
    screenshot(page, "02-paper")
    page.click("#method-lab-probe details summary")
    page.fill("input[name=steps]", "60")
    page.fill("input[name=sleep_s]", "0.05")
    page.click("#method-lab-probe button.primary")

    expect(page).to_have_url(__import__("re").compile(r"/runs/\d+/$"))
    run_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    page.evaluate("window.__marker = 'no reload'")
    expect(page.locator("#run-status-badge")).to_have_text("succeeded", timeout=60_000)
    assert page.evaluate("window.__marker") == "no reload"  # the status changed in place
    expect(page.locator("#curves .scatterlayer .trace").first).to_be_attached(timeout=15_000)
    # the chart catches up with the finished run within one refresh, without a reload
    page.wait_for_function("(document.getElementById('panel-chart-0').data || [{y: []}])[0].y.length === 60", timeout=15_000)
    assert page.evaluate("window.__marker") == "no reload"
    screenshot(page, "03-run")

    with page.expect_download() as download_info:
        page.click("text=Download all as zip")
    archive_path = tmp_path / "run.zip"
    download_info.value.save_as(archive_path)
    assert f"run-{run_id}/probe.txt" in zipfile.ZipFile(archive_path).namelist()

    second = Run.objects.create(method=Run.objects.get(pk=run_id).method, owner=alice, config={**Run.objects.get(pk=run_id).config, "steps": 30},
                                config_hash="second", preset="smoke", seed=1)
    from workers.runner import run_once

    run_once(second.pk)
    page.goto(base + "/papers/3/")
    page.check(f"input[name=runs][value='{run_id}']")
    page.check(f"input[name=runs][value='{second.pk}']")
    page.click("text=Compare selected")
    expect(page.locator("h1")).to_have_text("Compare 2 runs")
    expect(page.locator("#panel-chart-0 .scatterlayer .trace").first).to_be_attached(timeout=15_000)
    traces = page.evaluate("document.getElementById('panel-chart-0').data.length")
    assert traces == 2
    screenshot(page, "04-compare")

    page.goto(base + "/queue/")
    expect(page.get_by_text("Workers online")).to_be_visible()
    screenshot(page, "05-queue")
    page.goto(base + "/")
    screenshot(page, "06-catalog-phone", width=390)
