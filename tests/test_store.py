"""The store: encryption at rest, tamper detection, purge, uploads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from service.engine import Conversation
from service.store import Access, NotFound, Stale, Store, Unauthorized, Undecryptable, crypto
from service.store.models import conversations, utcnow


def _conversation(store: Store, conv_id: str = "a" * 24) -> tuple[Conversation, Access]:
    conv = Conversation(id=conv_id, flow="f", flow_version="1", state="s", history=["s"],
                        answers={"s": {"name": "Ada"}})
    token = crypto.new_token()
    store.create(conv, token)
    return conv, Access(conv.id, token)


@pytest.fixture
def store(database_url: str) -> Store:
    from service.store import upgrade

    instance = Store(database_url)
    upgrade(instance.write_engine)
    with instance.writing() as connection:
        connection.execute(delete(conversations))
    yield instance
    instance.dispose()


def test_round_trip_and_wrong_token(store: Store) -> None:
    conv, access = _conversation(store)
    assert store.load(access).answers == {"s": {"name": "Ada"}}
    with pytest.raises(Unauthorized):
        store.load(Access(conv.id, crypto.new_token()))
    with pytest.raises(NotFound):
        store.load(Access("b" * 24, access.token))


def test_a_payload_moved_to_another_row_does_not_open(store: Store) -> None:
    first, first_access = _conversation(store, "a" * 24)
    _, second_access = _conversation(store, "b" * 24)
    with store.writing() as connection:
        payload = connection.execute(select(conversations.c.payload).where(
            conversations.c.id == first.id)).scalar()
        connection.execute(update(conversations).where(conversations.c.id == "b" * 24)
                           .values(payload=payload,
                                   token_hash=crypto.token_hash(first_access.token)))
    with pytest.raises(Undecryptable):
        store.load(Access("b" * 24, first_access.token))


def test_save_refuses_a_stale_read(store: Store) -> None:
    conv, access = _conversation(store)
    read = conv.version
    conv.state = "t"
    store.save(conv, access, read)
    with pytest.raises(Stale):
        store.save(conv, access, read)


def test_purge_erases_only_old_conversations(store: Store) -> None:
    old, old_access = _conversation(store, "a" * 24)
    _, new_access = _conversation(store, "b" * 24)
    store.add_upload(old_access, "generic", 1, {"transactions": []})
    with store.writing() as connection:
        connection.execute(update(conversations).where(conversations.c.id == old.id)
                           .values(updated_at=utcnow() - timedelta(days=100)))
    assert store.purge(utcnow() - timedelta(days=90)) == 1
    with pytest.raises(NotFound):
        store.load(old_access)
    assert store.load(new_access).id == "b" * 24


def test_uploads_belong_to_their_conversation(store: Store) -> None:
    _, first = _conversation(store, "a" * 24)
    _, second = _conversation(store, "b" * 24)
    upload = store.add_upload(first, "coinbase", 2, {"transactions": [{"id": "t1"}]})
    assert store.get_upload(first, upload) == {"transactions": [{"id": "t1"}]}
    assert store.get_upload(second, upload) is None
    assert [u["upload"] for u in store.uploads(first)] == [upload]
