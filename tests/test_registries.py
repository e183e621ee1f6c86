"""One list per kind of thing: record kinds feed the store's tables and the JSON file, and a workshop file is a
plain TinyDB database that TinyDB itself opens and queries."""

from __future__ import annotations

import dataclasses

from tinydb import Query, TinyDB

from exports import interchange
from facilitation.models import RECORD_KINDS, Workshop
from workshop import records
from workshop.session import WorkshopSession
from workshop.store import Store


def test_every_record_collection_of_a_workshop_is_one_record_kind() -> None:
    collections = {f.name for f in dataclasses.fields(Workshop) if f.name not in Workshop.INFO_FIELDS}
    assert collections == {kind.table for kind in RECORD_KINDS}


def test_the_store_tables_and_the_json_sections_come_from_the_record_kinds() -> None:
    assert [*records.RECORD_TABLES, records.EVENTS_TABLE] == [kind.table for kind in RECORD_KINDS]
    assert tuple((kind.table, kind.cls) for kind in RECORD_KINDS) == interchange.SECTIONS


def test_plain_tinydb_opens_and_queries_a_workshop_file(store: Store) -> None:
    session = WorkshopSession.create(store, "Plain TinyDB", participants=["Ana", "Ben"])
    ana = session.workshop.active_participants()[0].id
    session.notes.add("Shared dashboard", author_id=ana)
    decided = session.notes.add("Weekly demo")
    session.notes.mark(decided.id, "decision")
    path = session.path
    workshop_id = session.workshop.id
    session.checkpoint()  # folds the journal into the TinyDB file (the app does it when idle)
    session.close()
    assert path is not None

    with TinyDB(path, access_mode="r") as db:
        note = Query()
        assert [doc["text"] for doc in db.table("notes").search(note.mark == "decision")] == ["Weekly demo"]
        assert db.table("notes").get(doc_id=1)["author_id"] == ana  # type: ignore[index]
        assert {doc["name"] for doc in db.table("participants").all()} == {"Ana", "Ben"}
        assert db.table("info").get(doc_id=1)["workshop_id"] == workshop_id  # type: ignore[index]
        assert len(db.table("events")) >= 4


def test_the_cli_the_export_dialog_and_the_exporters_offer_the_same_formats() -> None:
    from exports import FILE_NAMES
    from facilitation.export_formats import EXPORT_FORMATS, FORMAT_KEYS
    from screens import export_dialog
    from workshop import cli

    assert tuple(FILE_NAMES) == FORMAT_KEYS == cli.EXPORT_FORMATS
    assert tuple(key for key, _ in export_dialog.FORMATS) == FORMAT_KEYS
    assert export_dialog.UNTICKED == tuple(f.key for f in EXPORT_FORMATS if not f.ticked) == ("pdf",)
