"""docs/workshop.schema.json is generated from the import's own checks, and every export validates against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from exports import interchange, schema
from facilitation.models import Workshop
from tests.test_import_limits import BASE, with_value
from tests.test_interchange import EXPORTED_AT, rich_workshop
from tests.test_interchange_privacy import readiness_workshop, voting_workshop

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "docs" / "workshop.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    shipped = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(shipped)
    return jsonschema.Draft202012Validator(shipped)


def test_the_shipped_schema_is_the_generated_one() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema.text(), (
        "docs/workshop.schema.json is stale: python -m exports.schema > docs/workshop.schema.json"
    )


def _problems(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(data)]


def _format_example() -> Any:
    text = (ROOT / "docs" / "FORMAT.md").read_text(encoding="utf-8")
    return json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])


EXPORTS = {
    "rich": lambda: rich_workshop(),
    "empty": lambda: Workshop(id="e", title="Empty"),
    "anonymous vote": lambda: voting_workshop([(1, 1), (2, 3), (2, 3)]),
    "named vote": lambda: voting_workshop([(1, 1), (2, 3)], anonymous=False),
    "readiness": lambda: readiness_workshop(
        [("folly", {"vision": 2}, "start", True), (None, {"adapt": 5}, "end", False)]
    ),
}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_every_export_validates(validator: jsonschema.Draft202012Validator, name: str) -> None:
    data = json.loads(interchange.dumps(EXPORTS[name](), exported_at=EXPORTED_AT))
    assert _problems(validator, data) == []


@pytest.mark.parametrize(
    "path",
    [ROOT / "docs" / "examples" / "demo.json", ROOT / "tests" / "data" / "format-1-app-0.1.0.json"],
    ids=["demo example", "app 0.1.0 file"],
)
def test_shipped_files_validate(validator: jsonschema.Draft202012Validator, path: Path) -> None:
    assert _problems(validator, json.loads(path.read_text(encoding="utf-8"))) == []


def test_the_format_example_validates(validator: jsonschema.Draft202012Validator) -> None:
    assert _problems(validator, _format_example()) == []


@pytest.mark.parametrize(
    ("keys", "value"),
    [
        (["workshop", "title"], "T" * 201),
        (["notes", 0, "created_at"], 1e300),
        (["actions", 0, "priority"], 4),
        (["stages", 0, "minutes"], 601),
        (["format"], "something else"),
    ],
)
def test_what_import_refuses_the_schema_refuses(
    validator: jsonschema.Draft202012Validator, keys: list[Any], value: Any
) -> None:
    data = with_value(keys, value)
    with pytest.raises(interchange.FormatError):
        interchange.from_interchange(data)
    assert _problems(validator, data)


def test_the_base_document_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    assert _problems(validator, BASE) == []
