"""Hypothesis fuzzes the web chat's forms and links and the widget's pages: never a 5xx."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=60, deadline=None,  # no timing limits: a busy machine is no bug
                suppress_health_check=[HealthCheck.function_scoped_fixture])
words = st.text(st.characters(exclude_categories=["Cs"]), max_size=40) | st.sampled_from(
    ["", "welcome", "0", "-1", "99999999999999999999", "{{7*7}}", "<script>", "\x00", "yes"])
forms = st.dictionaries(st.sampled_from(["_state", "_version", "situation", "funding", "state",
                                         "code", "confirm", "flow", "x"]) | words,
                        words, max_size=6)


def _opened(client: FlaskClient) -> str:
    return str(client.post("/c").headers["Location"])


def test_an_unknown_flow_from_the_start_form_is_a_422_page(client: FlaskClient) -> None:
    response = client.post("/c", data={"flow": "no-such-flow"})
    assert response.status_code == 422 and response.mimetype == "text/html"


@FUZZ
@given(form=forms, page=st.sampled_from(["", "/back", "/edit", "/save", "/delete"]))
def test_any_form_on_any_chat_page_is_answered_below_500(client: FlaskClient,
                                                        form: dict[str, str], page: str) -> None:
    url = _opened(client)
    response = client.post(url + page, data=form)
    assert response.status_code < 500, (page, form)


@FUZZ
@given(path=st.sampled_from(["/c/{}", "/c/{}/documents/{}.pdf", "/c/{}/documents/{}.txt",
                             "/r/{}", "/resume?code={}", "/flows/{}", "/flows/{}.svg",
                             "/widget?origin={}&color={}&title={}", "/widget/config?origin={}",
                             "/c/{}/review", "/c/{}/plan"]),
       parts=st.lists(words, min_size=3, max_size=3))
def test_any_link_is_answered_below_500(client: FlaskClient, path: str,
                                        parts: list[Any]) -> None:
    _opened(client)
    response = client.get(path.format(*(quote(p, safe="") for p in parts)))
    assert response.status_code < 500, response.get_data(as_text=True)[:300]


@FUZZ
@given(form=forms)
def test_any_start_or_resume_form_is_answered_below_500(client: FlaskClient,
                                                       form: dict[str, str]) -> None:
    for url in ("/c", "/resume"):
        assert client.post(url, data=form).status_code < 500, (url, form)
