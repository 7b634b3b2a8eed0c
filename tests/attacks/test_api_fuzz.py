"""Fuzzing `POST /api/runs` with property-based inputs (hypothesis): whatever the body, the
answer is a 2xx or a 4xx, never a 500, and a refused request creates no run."""
from __future__ import annotations

import json
import time

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.runs.models import Run

from .conftest import bearer

pytestmark = [pytest.mark.django_db, pytest.mark.attacks]

FIELDS = ["method", "preset", "config", "seed", "queue", "label", "private", "force"]
PROBE_KEYS = ["steps", "sleep_s", "fail", "fail_at_step", "label_text"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40),
    st.sampled_from(["", "\x00", "smoke", "full", "paper", "cpu", "gpu", "lab-probe", "sinkhorn-newton-sparse",
                     "raise", "exit", "never", "<script>", "../../etc", "1e309", "NaN", "\ud7ff", "\U0001f600"]),
)
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=12)
configs = st.one_of(json_values, st.dictionaries(st.sampled_from(PROBE_KEYS) | st.text(max_size=8), json_values, max_size=5))
run_bodies = st.fixed_dictionaries(
    {"method": st.sampled_from(["lab-probe", "sinkhorn-newton-sparse", "nope"]) | json_values},
    optional={name: (configs if name == "config" else json_values) for name in FIELDS if name != "method"}
    | {"extra": json_values},
)
raw_bodies = st.one_of(
    run_bodies.map(json.dumps),
    json_values.map(json.dumps),
    st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
    st.text(max_size=64),
    st.integers(1, 5000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 5000).map(lambda n: '{"method": "lab-probe", "config": ' + '{"a": ' * n + "1" + "}" * n + "}"),
)
content_types = st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                 "application/json; charset=latin-1"])


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_no_body_makes_post_api_runs_answer_500(catalog, alice_token):
    client = Client(raise_request_exception=False)
    seen: dict[int, int] = {}
    started = time.monotonic()

    @settings(max_examples=200, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(raw=raw_bodies, content_type=content_types)
    def check(raw, content_type):
        with transaction.atomic():
            before = Run.objects.count()
            # generic() sends the bytes as they are (post() re-encodes them for the declared charset)
            response = client.generic("POST", "/api/runs", data=raw.encode("utf-8", "surrogatepass"),
                                      content_type=content_type, **bearer(alice_token))
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            assert response.status_code < 500, (raw[:300], response.status_code, response.content[:300])
            if response.status_code != 201:
                assert Run.objects.count() == before
            transaction.set_rollback(True)  # every example starts from no runs (quota, duplicates)

    check()
    print(f"fuzz: {sum(seen.values())} requests in {time.monotonic() - started:.1f} s, status codes {dict(sorted(seen.items()))}")
    assert sum(seen.values()) >= 200
    assert set(seen) <= {201, 400, 409, 422, 429} and 201 in seen and 422 in seen


def test_deeply_nested_json_or_a_huge_integer_is_a_400_not_a_500(catalog, alice_token):
    client = Client(raise_request_exception=False)
    for raw in ("[" * 100_000 + "]" * 100_000, '{"method": ' + '{"a":' * 50_000 + "1" + "}" * 50_001,
                '{"method": "lab-probe", "seed": ' + "9" * 5000 + "}"):
        response = client.post("/api/runs", data=raw, content_type="application/json", **bearer(alice_token))
        assert response.status_code == 400
    assert Run.objects.count() == 0


def test_nul_characters_in_run_strings_are_a_422_not_a_500(catalog, alice_token):
    client = Client(raise_request_exception=False)
    for body in ({"method": "lab-probe", "label": "a\x00b"}, {"method": "lab-probe", "config": {"label_text": "\x00"}},
                 {"method": "lab-probe\x00"}, {"method": "lab-probe", "preset": "smoke\x00"},
                 {"method": ["lab-probe"]}, {"method": "lab-probe", "preset": ["smoke"]},
                 {"method": "lab-probe", "preset": {"a": 1}}, {"method": {"x": 1}}):
        response = client.post("/api/runs", data=json.dumps(body), content_type="application/json", **bearer(alice_token))
        assert response.status_code == 422, (body, response.status_code)
    assert Run.objects.count() == 0


def test_the_queue_form_refuses_nul_characters_deep_json_and_huge_numbers_without_a_500(catalog, alice_client):
    forms = [{"label": "a\x00b"}, {"label_text": "x\x00"}, {"fail": "\x00"}, {"steps": "9" * 5000},
             {"seed": "9" * 5000}, {"preset": "smoke\x00"}]
    for data in forms:
        response = alice_client.post("/methods/lab-probe/runs", {"preset": "smoke", **data})
        assert response.status_code == 400, (data, response.status_code)
    response = alice_client.post("/methods/adasketch-newton/runs", {"preset": "smoke", "hs_problems": "[" * 50_000})
    assert response.status_code == 400
    assert Run.objects.count() == 0


@pytest.mark.parametrize("url", ["/?q=%00", "/api/runs?method=%00", "/api/runs?status=%00", "/api/methods/%00", "/papers/1/%00"])
def test_a_nul_character_anywhere_in_the_url_is_a_400_not_a_500(client, catalog, url):
    assert client.get(url).status_code in (400, 404)
