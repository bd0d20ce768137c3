"""Malformed bodies on every JSON endpoint and every upload: the contract's 4xx, never a 5xx.

Broken JSON, invalid UTF-8, lone surrogates and deep nesting are 400; a body that is not JSON
is 415; a body or file past the limit is 413. Hypothesis also throws raw bytes at the JSON
endpoints and at the upload.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from service import calculators, create_app
from service.web import errors

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
FUZZ = settings(max_examples=60, deadline=None,  # no timing limits: a busy machine is no bug
                suppress_health_check=[HealthCheck.function_scoped_fixture])

MALFORMED: list[tuple[str, bytes, str, int]] = [
    ("broken", b"{not json", "application/json", 400),
    ("truncated", b'{"state": "welc', "application/json", 400),
    ("invalid UTF-8", b'{"a": "\xff\xfe"}', "application/json", 400),
    ("overlong UTF-8", b'{"a": "\xc0\xaf"}', "application/json", 400),
    ("lone surrogate", b'{"a": "\\ud800"}', "application/json", 400),
    ("lone surrogate key", b'{"\\udfff": 1}', "application/json", 400),
    ("lone surrogate deep in a list", b'{"transactions": [{"id": "t1"}, {"id": "a\\uDc00"}]}',
     "application/json", 400),
    ("33 levels", b'{"a":' * 33 + b"1" + b"}" * 33, "application/json", 400),
    ("deep lists", b'{"a": ' + b"[" * 40 + b"]" * 40 + b"}", "application/json", 400),
    ("deep objects", b'{"a":' * 40 + b"1" + b"}" * 40, "application/json", 400),
    ("very deep", b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
    ("NaN", b'{"a": NaN}', "application/json", 400),
    ("Infinity", b'{"a": -Infinity}', "application/json", 400),
    ("array", b"[1, 2]", "application/json", 400),
    ("string", b'"text"', "application/json", 400),
    ("null", b"null", "application/json", 400),
    ("trailing garbage", b"{} {}", "application/json", 400),
    ("UTF-16", '{"a": 1}'.encode("utf-16"), "application/json", 400),
    ("plain text", b'{"a": 1}', "text/plain", 415),
    ("form", b"a=1", "application/x-www-form-urlencoded", 415),
    ("XML", b"<a>1</a>", "application/xml", 415),
    ("JSON-ish", b'{"a": 1}', "application/merge-patch+json", 415),
]


@pytest.fixture(scope="module")
def body_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """Return one client for the whole module: bodies are refused before any storage."""
    folder = tmp_path_factory.mktemp("bodies")
    application = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bearings.db'}",
                              "INSTANCE_PATH": str(folder), "RATE_LIMIT": "off",
                              "SECRET_KEY": "test-secret", "TESTING": True})
    yield application.test_client()
    application.extensions["bearings"].store.dispose()


def _json_endpoints(client: FlaskClient) -> list[tuple[str, dict[str, str]]]:
    """Return every endpoint that reads a JSON body, with the headers it needs."""
    step = client.post("/api/v1/conversations", json={}).get_json()
    auth = {"Authorization": f"Bearer {step['token']}"}
    base = f"/api/v1/conversations/{step['id']}"
    return ([("/api/v1/conversations", {}), (base + "/answers", auth),
             ("/widget/api/resume", {}), (f"/widget/api/conversations/{step['id']}/revisit", auth),
             (f"/widget/api/conversations/{step['id']}/change", auth),
             ("/api/v1/letters/wire-recall?format=txt", {})]
            + [(f"/api/v1/calculators/{name}", {}) for name in calculators.names()])


@pytest.mark.parametrize(("kind", "body", "content_type", "status"), MALFORMED,
                         ids=[m[0] for m in MALFORMED])
def test_a_malformed_body_gets_its_4xx_everywhere(body_client: FlaskClient, kind: str,
                                                  body: bytes, content_type: str,
                                                  status: int) -> None:
    for url, headers in _json_endpoints(body_client):
        response = body_client.post(url, data=body, content_type=content_type, headers=headers)
        assert response.status_code == status, (url, response.get_data(as_text=True))
        assert response.get_json()["message"], url


@pytest.mark.parametrize("body", [
    b'{"a":' * 31 + b"[]" + b"}" * 31,  # 32 levels, the most allowed
    b'{"a": "\\\\ud800"}',  # an escaped backslash, then the letters ud800
    b'{"a": "\\ud83d\\ude00"}',  # a pair of surrogates: one emoji
])
def test_a_body_within_the_limits_passes_the_checks(body_client: FlaskClient,
                                                    body: bytes) -> None:
    response = body_client.post("/api/v1/calculators/capital-loss", data=body,
                                content_type="application/json")
    assert response.status_code == 422, response.get_json()  # the schema's word, not a 400


_TEXT = st.text(max_size=5) | st.sampled_from(["\ud800", "a\udfff"])  # some lone surrogates
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | _TEXT,
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(_TEXT, inner, max_size=3), max_leaves=12)


def _problems(value: Any, depth: int = 0) -> set[str]:
    """Return what is wrong with ``value``, found the plain recursive way: the test's oracle."""
    if isinstance(value, str):
        return {"text"} if any(0xD800 <= ord(char) <= 0xDFFF for char in value) else set()
    if not isinstance(value, dict | list):
        return set()
    if depth + 1 > errors.MAX_DEPTH:
        return {"depth"}
    found = set().union(*map(_problems, value)) if isinstance(value, dict) else set()
    for item in value.values() if isinstance(value, dict) else value:
        found |= _problems(item, depth + 1)
    return found


@given(value=_JSON, levels=st.integers(min_value=0, max_value=40),
       kinds=st.lists(st.sampled_from(["list", "dict"]), min_size=40, max_size=40))
@example(value=[], levels=31, kinds=["dict", "list"] * 20)  # 32 levels: allowed
@example(value={"k": 1}, levels=32, kinds=["list"] * 40)  # 33 levels: refused
def test_the_body_check_finds_what_a_recursive_walk_finds(value: Any, levels: int,
                                                         kinds: list[str]) -> None:
    for wrapper in kinds[:levels]:
        value = [value] if wrapper == "list" else {"k": value}
    problems = _problems(value)
    for texts in (True, False):
        expected = problems if texts else problems - {"text"}
        try:
            errors._check(value, texts=texts)
            assert not expected
        except errors.ApiError as exc:
            assert expected, exc.message
            if len(expected) == 1:
                assert ("nests deeper" in exc.message) == (expected == {"depth"})


def test_the_endpoint_list_is_every_json_post(body_client: FlaskClient) -> None:
    app = body_client.application
    listed = {url.split("?")[0] for url, _ in _json_endpoints(body_client)}
    step_id = next(u for u in listed if u.endswith("/answers")).split("/")[4]
    posts = {rule.rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())
             and (rule.rule.startswith("/api/") or rule.rule.startswith("/widget/api/"))}
    as_rules = {u.replace(step_id, "<conversation_id>").replace("wire-recall", "<letter_type>")
                for u in listed}
    as_rules |= {"/api/v1/calculators/<name>"}
    uploads = {"/api/v1/conversations/<conversation_id>/uploads",
               "/api/v1/conversations/<conversation_id>/back",
               "/widget/api/conversations/<conversation_id>/resume-code"}
    assert posts - uploads <= as_rules


@FUZZ
@given(body=st.binary(max_size=300))
def test_raw_bytes_as_json_are_never_a_server_error(body_client: FlaskClient,
                                                    body: bytes) -> None:
    for url in ("/api/v1/calculators/lots", "/api/v1/conversations",
                "/api/v1/letters/exchange-support-ticket?format=pdf"):
        response = body_client.post(url, data=body, content_type="application/json")
        assert response.status_code in (201, 400, 422), (url, body)


def test_a_body_past_the_limit_is_413(make_app: Any) -> None:
    client = make_app(MAX_UPLOAD_BYTES=1000).test_client()
    huge = b'{"a": "' + b"x" * 200_000 + b'"}'
    for url in ("/api/v1/conversations", "/api/v1/calculators/capital-loss",
                "/api/v1/letters/wire-recall?format=pdf"):
        response = client.post(url, data=huge, content_type="application/json")
        assert response.status_code == 413, url
        assert response.get_json()["message"]


def _upload(client: FlaskClient, data: Any, **kwargs: Any) -> Any:
    step = client.post("/api/v1/conversations", json={}).get_json()
    return client.post(f"/api/v1/conversations/{step['id']}/uploads", data=data,
                       headers={"Authorization": f"Bearer {step['token']}"}, **kwargs)


@pytest.mark.parametrize(("name", "content", "status"), [
    ("empty.csv", b"", 422),
    ("binary.csv", bytes(range(256)) * 4, 422),
    ("latin1.csv", "Zeitpunkt;Betrag\nM\xe4rz;1\n".encode("latin-1"), 422),
    ("formula.csv", b'=HYPERLINK("http://x","y"),b\n1,2\n', 422),
    ("coinbase.csv", (EXPORTS / "coinbase.csv").read_bytes(), 201),
])
def test_an_upload_is_parsed_or_refused_by_field(client: FlaskClient, name: str,
                                                 content: bytes, status: int) -> None:
    response = _upload(client, {"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert list(response.get_json()["errors"]) == ["file"]


def test_an_upload_that_is_not_multipart_is_415(client: FlaskClient) -> None:
    response = _upload(client, b"a,b\n1,2\n", content_type="text/csv")
    assert response.status_code == 415 and response.get_json()["message"]


def test_an_upload_without_a_file_part_is_422(client: FlaskClient) -> None:
    response = _upload(client, {"other": "x"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.get_json()["errors"]


@pytest.mark.parametrize("size", [5_000, 200_000])
def test_an_upload_past_the_limit_is_413(make_app: Any, size: int) -> None:
    client = make_app(MAX_UPLOAD_BYTES=1000).test_client()
    content = (EXPORTS / "coinbase.csv").read_bytes()
    content += b"\n" * (size - len(content))
    response = _upload(client, {"file": (io.BytesIO(content), "big.csv")},
                       content_type="multipart/form-data")
    assert response.status_code == 413 and response.get_json()["message"]


@FUZZ
@given(content=st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode))
def test_any_file_is_parsed_or_refused(client: FlaskClient, content: bytes) -> None:
    header = (EXPORTS / "generic.csv").read_bytes().splitlines(keepends=True)[0]
    for body in (content, header + content):
        response = _upload(client, {"file": (io.BytesIO(body), "x.csv")},
                           content_type="multipart/form-data")
        assert response.status_code in (201, 422), response.get_json()
