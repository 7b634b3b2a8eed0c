"""Attack 3: script injection through every user-controlled string that reaches a page or a
Plotly figure (run label, config strings, series names, panels and units, error text, claim text, username),
checked in the real Chromium: nothing executes on the run, compare, group, paper, queue and
account pages, nor in figure.html opened from disk with plotly.min.js beside it — and the
hostile text is shown as text, so the check did reach each injection point."""
from __future__ import annotations

import shutil
import uuid

import pytest
from django.test import Client
from playwright.sync_api import expect

from apps.runs.figures import PLOTLY_JS, write_figure_html
from apps.runs.models import Run, Series
from apps.runs.points import append_points

from .conftest import HOSTILE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.attacks]

TRAP = """
window.__dialogs = [];
window.alert = window.confirm = window.prompt = function (m) { window.__dialogs.push(String(m)); };
"""
EVIDENCE = """() => {
  const links = [...document.querySelectorAll("a")].map(a => a.getAttribute("href") || a.getAttributeNS("http://www.w3.org/1999/xlink", "href") || "");
  return {pwned: window.__pwned === undefined ? null : String(window.__pwned), dialogs: window.__dialogs || [],
          jsLinks: links.filter(h => /^\\s*javascript:/i.test(h)),
          scripts: [...document.scripts].filter(s => /__pwned/.test(s.textContent) && s.type !== "application/json").length,
          handlers: [...document.querySelectorAll("*")].filter(e => [...e.attributes].some(a => /^on/i.test(a.name))).length};
}"""


def series_with_points(run: Run, names: list[str]) -> None:
    for k, name in enumerate(names):
        series = Series.objects.create(run=run, name=name[:120], panel=name[:60], unit=name[:30])
        append_points(series, range(5), [0.1 * i for i in range(5)], [(k + 1) * 0.5 ** i for i in range(5)])


@pytest.fixture
def hostile_world(catalog, django_user_model, artifacts_root):
    """A user with a hostile name whose runs carry hostile text in every user-controlled field."""
    user = django_user_model.objects.create_user(HOSTILE[1], password="x-password-1")
    group = uuid.uuid4()
    claims = [{"id": "decays", "verdict": "reproduced", "statement": HOSTILE[0], "source": HOSTILE[2],
               "summary": HOSTILE[7], "evidence": {"note": HOSTILE[3]}}]
    runs = []
    for seed, label in enumerate([HOSTILE[0], HOSTILE[3]]):
        run = Run.objects.create(method=catalog, owner=user, label=label, preset="smoke", seed=seed, group=group,
                                 config={"steps": 5, "label_text": HOSTILE[3 - seed]}, config_hash=f"x{seed}",
                                 status="succeeded", claims=claims, error="\n".join(HOSTILE),
                                 results={"label": HOSTILE[3]}, worker=HOSTILE[4], progress_message=HOSTILE[5])
        series_with_points(run, HOSTILE[:4] if seed == 0 else HOSTILE[4:])
        runs.append(run)
    Run.objects.create(method=catalog, owner=user, label=HOSTILE[5], config={"label_text": HOSTILE[6]},
                       config_hash="q", status="queued")
    Run.objects.create(method=catalog, owner=user, label=HOSTILE[6], config={}, config_hash="f", status="failed",
                       error=HOSTILE[3] + HOSTILE[1])
    return user, runs, group


@pytest.fixture
def trapped(page, live_server, hostile_world):
    """The page, logged in as the hostile user, with the alert/dialog trap installed."""
    user = hostile_world[0]
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page.add_init_script(TRAP)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return page, dialogs


def assert_nothing_ran(page, dialogs, where: str) -> None:
    page.wait_for_timeout(300)  # let any onerror/onload of an injected element fire
    evidence = page.evaluate(EVIDENCE)
    assert evidence == {"pwned": None, "dialogs": [], "jsLinks": [], "scripts": 0, "handlers": 0}, (where, evidence)
    assert dialogs == [], (where, dialogs)


def test_no_hostile_string_runs_on_the_run_page(trapped, live_server, hostile_world):
    page, dialogs = trapped
    _, runs, _ = hostile_world
    for run in runs:
        response = page.goto(f"{live_server.url}/runs/{run.pk}/", wait_until="networkidle")
        assert response.ok
        assert_nothing_ran(page, dialogs, f"run {run.pk} as loaded")
        expect(page.locator("h1")).to_contain_text(run.label)  # shown as text
        expect(page.locator("#curves .legendtext")).to_have_count(4, timeout=15_000)
        legend = page.locator("#curves .legendtext").all_text_contents()
        assert any("onerror" in t or "<script>" in t or "javascript:" in t for t in legend), legend
        expect(page.locator("pre.config")).to_contain_text("window.__pwned")
        expect(page.locator(".error-box pre")).to_contain_text("</script>")
        page.locator("#curves .nsewdrag").first.hover(force=True)  # hover labels carry the names too
        assert_nothing_ran(page, dialogs, f"run {run.pk}")
    failed = Run.objects.get(status="failed")
    assert page.goto(f"{live_server.url}/runs/{failed.pk}/").ok
    expect(page.locator(".error-box pre")).to_contain_text("onerror")
    assert_nothing_ran(page, dialogs, "failed run")


def test_no_hostile_string_runs_on_the_compare_page(trapped, live_server, hostile_world):
    page, dialogs = trapped
    _, runs, _ = hostile_world
    assert page.goto(f"{live_server.url}/compare/?runs={runs[0].pk},{runs[1].pk}").ok
    expect(page.locator("#panel-chart-7 .scatterlayer .trace")).to_be_attached(timeout=15_000)
    titles = page.locator("#curves h3").all_text_contents()
    assert set(titles) == {name[:60] for name in HOSTILE}, titles  # one chart per (hostile) panel
    axis_titles = page.locator("#curves .ytitle").all_text_contents()
    assert any("<script>" in t for t in axis_titles), axis_titles  # the unit, shown as text
    assert "<script>" in page.locator(".compare-table").inner_text()
    assert_nothing_ran(page, dialogs, "compare")


def test_no_hostile_string_runs_on_the_group_page(trapped, live_server, hostile_world):
    page, dialogs = trapped
    _, _, group = hostile_world
    assert page.goto(f"{live_server.url}/groups/{group}/?target=0.1").ok
    expect(page.locator("#band-7")).to_be_attached(timeout=15_000)
    titles = page.locator("#group-charts h3").all_text_contents()
    assert any("</script><script>" in t for t in titles) and any("<!--" in t for t in titles), titles
    assert_nothing_ran(page, dialogs, "group")


@pytest.mark.parametrize("path, shows", [("/papers/3/", HOSTILE[0]), ("/queue/", HOSTILE[6]), ("/accounts/", HOSTILE[1])])
def test_no_hostile_string_runs_on_the_paper_queue_and_account_pages(trapped, live_server, hostile_world, path, shows):
    page, dialogs = trapped
    assert page.goto(live_server.url + path).ok
    expect(page.locator("main")).to_contain_text(shows)
    expect(page.locator(".account-nav")).to_contain_text(HOSTILE[1])  # the username, as text
    assert_nothing_ran(page, dialogs, path)


def test_no_hostile_string_runs_in_figure_html_opened_from_disk(trapped, hostile_world, tmp_path):
    page, dialogs = trapped
    _, runs, _ = hostile_world
    for run in runs:
        folder = tmp_path / f"run-{run.pk}"
        figure = write_figure_html(run, folder)
        shutil.copy(PLOTLY_JS, folder / PLOTLY_JS.name)
        assert "</script><script>" not in figure.read_text()
        page.goto(figure.as_uri())
        expect(page.locator("#figure .legendtext")).to_have_count(4, timeout=15_000)
        legend = page.locator("#figure .legendtext").all_text_contents()
        assert any("window.__pwned" in t for t in legend), legend
        assert_nothing_ran(page, dialogs, f"figure.html of run {run.pk}")
