"""The OpenAPI document describes every answer: each operation's success status has a real
response model (named fields, or a binary file), and the run request body is documented."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def is_described(schema: dict, document: dict) -> bool:
    """An object with named fields, an array of such, or a binary file; never a bare `{}`."""
    schema = resolve(schema, document)
    if schema.get("type") == "array":
        return is_described(schema.get("items", {}), document)
    if schema.get("type") == "string":
        return schema.get("format") == "binary"
    return schema.get("type") == "object" and bool(schema.get("properties"))


@pytest.fixture
def document(client):
    return client.get("/api/openapi.json").json()


def operations(document):
    for path, methods in document["paths"].items():
        for verb, operation in methods.items():
            yield f"{verb.upper()} {path}", operation


def test_every_operation_has_a_response_model_for_its_success_status(document):
    seen = 0
    for name, operation in operations(document):
        successes = {code: answer for code, answer in operation["responses"].items() if code.startswith("2")}
        assert successes, f"{name}: no success status documented"
        for code, answer in successes.items():
            contents = answer.get("content", {})
            assert contents, f"{name} {code}: no content documented"
            for media_type, body in contents.items():
                assert is_described(body["schema"], document), f"{name} {code} {media_type}: {body['schema']}"
        seen += 1
    assert seen >= 15


def test_the_run_detail_names_its_fields(document):
    detail = document["paths"]["/api/runs/{run_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    fields = resolve(detail["schema"], document)["properties"]
    assert {"status", "provenance", "claims", "results", "config"} <= set(fields)
    created = document["paths"]["/api/runs"]["post"]["responses"]
    assert {"201", "409", "422", "429", "503"} <= set(created)


def test_the_run_request_body_is_documented(document):
    body = document["paths"]["/api/runs"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["method"] and body["additionalProperties"] is False
    assert {"method", "preset", "config", "seed", "queue", "label", "private", "force"} == set(body["properties"])


def test_csv_and_zip_downloads_are_documented_as_files(document):
    csv = document["paths"]["/api/runs/{run_id}/metrics.csv"]["get"]["responses"]["200"]["content"]
    archive = document["paths"]["/api/runs/{run_id}/artifacts.zip"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in csv and "application/zip" in archive
