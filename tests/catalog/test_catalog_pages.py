"""The catalog: 42 papers loaded idempotently, searchable and filterable; paper pages."""
from __future__ import annotations

import pytest

from apps.catalog.models import Paper
from apps.catalog.sync import sync_catalog

pytestmark = pytest.mark.django_db


def a_paper_without_a_method(number: int = 42) -> int:
    """Every paper has a method now: retire paper 42's (as sync_catalog does when a method leaves
    the registry) so it is a paper with nothing to run."""
    from apps.catalog.models import Method
    from apps.catalog.status import refresh_status

    Method.objects.filter(paper__number=number).update(available=False)
    refresh_status(Paper.objects.get(number=number).pk)
    return number


def test_sync_loads_all_42_papers_and_is_idempotent(catalog):
    sync_catalog()
    sync_catalog()
    assert Paper.objects.count() == 42
    sinkhorn = Paper.objects.get(number=6)
    assert sinkhorn.slug == "sinkhorn-newton-sparse" and sinkhorn.arxiv_id == "2401.12253"
    assert "optimal transport" in sinkhorn.topics


def test_the_catalog_lists_every_paper(client, catalog):
    page = client.get("/")
    assert page.status_code == 200
    assert page.content.decode().count('class="paper-card"') == 42


def test_search_matches_words_of_title_and_abstract(client, catalog):
    page = client.get("/", {"q": "Sinkhorn sparse"}).content.decode()
    assert "Accelerating Sinkhorn Algorithm" in page
    assert page.count('class="paper-card"') == 1


def test_filter_by_topic_and_status(client, catalog):
    page = client.get("/", {"topic": "optimal transport"}).content.decode()
    assert 'data-paper="6"' in page and 'data-paper="1"' not in page
    retired = a_paper_without_a_method()
    not_runnable = client.get("/", {"status": "not_runnable"}).content.decode()
    assert f'data-paper="{retired}"' in not_runnable and 'data-paper="6"' not in not_runnable


def test_a_search_with_no_match_says_so(client, catalog):
    page = client.get("/", {"q": "zzzz-no-such-word"}).content.decode()
    assert "No paper matches these filters" in page


def test_a_paper_without_a_method_says_it_is_not_runnable_and_offers_no_form(client, catalog):
    page = client.get(f"/papers/{a_paper_without_a_method()}/").content.decode()
    assert "Not runnable yet" in page
    assert "Queue run" not in page


def test_a_runnable_paper_shows_claims_presets_and_a_queue_form(alice_client, catalog):
    page = alice_client.get("/papers/3/").content.decode()  # the probe method is attached to paper 3 in tests
    assert "Queue run" in page and "smoke" in page
    assert "the probe&#x27;s value decays below 0.5" in page
    assert "No runs yet" in page


def test_an_anonymous_visitor_is_asked_to_log_in_before_queueing(client, catalog):
    page = client.get("/papers/3/").content.decode()
    assert "to queue a run" in page and "Queue run" not in page


def test_an_unknown_paper_is_a_404(client, catalog):
    assert client.get("/papers/99/").status_code == 404
