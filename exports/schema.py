"""The JSON Schema of the interchange format, generated from the definitions the import checks with.

    python -m exports.schema > docs/workshop.schema.json

Each field's type comes from the checker ``exports.interchange`` compiles out of the dataclass annotations, and
each allowed value or limit from the rules and limits it applies (``interchange._RULES``, ``limits.LIMITS``:
every rule carries its JSON Schema keywords). A test regenerates the schema and compares it with the shipped
file, and validates every export against it with ``jsonschema``.

What a schema cannot say is still checked by the import alone: that ids are unique and references resolve, that
a timer is one the timer can restore, that a readiness distribution adds up, and that an id is a whole number
(JSON Schema counts ``17.0`` as an integer; the import does not).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from exports import interchange, limits, privacy
from facilitation import catalogue
from facilitation.models import Vote, Workshop

SCHEMA_ID = "https://six-disciplines-workshop.example/workshop.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def type_schema(checker: interchange._Type) -> dict[str, Any]:
    """The JSON Schema of one compiled field type."""
    if isinstance(checker, interchange._Int):
        return {"type": "integer"}
    if isinstance(checker, interchange._Float):
        return {"type": "number"}
    if isinstance(checker, interchange._Bool):
        return {"type": "boolean"}
    if isinstance(checker, interchange._Str):
        return {"type": "string"}
    if isinstance(checker, interchange._Nullable):
        inner = type_schema(checker.inner)
        if isinstance(inner.get("type"), str):
            return {**inner, "type": [inner["type"], "null"]}
        return {"anyOf": [inner, {"type": "null"}]}
    if isinstance(checker, interchange._List):
        return {"type": "array", "items": type_schema(checker.item)}
    if isinstance(checker, interchange._Map):
        found: dict[str, Any] = {"type": "object", "additionalProperties": type_schema(checker.value)}
        if checker.int_keys:
            found["propertyNames"] = {"pattern": "^-?(0|[1-9][0-9]*)$"}
        return found
    if isinstance(checker, interchange._Json):
        return {"type": "object"} if checker.object_only else {}
    raise TypeError(f"no JSON Schema for {checker!r}")


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra``'s keywords; keywords both have are merged inside (``items``, ``properties``)."""
    merged = dict(base)
    for key, value in extra.items():
        if key in merged and isinstance(merged[key], dict) and isinstance(value, dict):
            merged[key] = _merge(merged[key], value)
        elif (
            key in merged and merged[key] != value
        ):  # two rules on one keyword (two patterns): both must hold
            merged["allOf"] = [*merged.get("allOf", []), {key: value}]
        else:
            merged[key] = value
    return merged


def record_schema(cls: type, fields: tuple[interchange._Field, ...], description: str = "") -> dict[str, Any]:
    """One record type: its fields' types, with the rules and the app's limits as keywords."""
    properties: dict[str, Any] = {}
    for spec in fields:
        found = type_schema(spec.type)
        for rule in (interchange._RULES.get((cls, spec.name)), limits.LIMITS.get((cls, spec.name))):
            keywords = getattr(rule, limits.SCHEMA, None) if rule is not None else None
            if keywords:
                found = _merge(found, keywords)
        properties[spec.name] = found
    schema: dict[str, Any] = {"type": "object"}
    if description:
        schema["description"] = description
    schema["properties"] = properties
    schema["required"] = [spec.name for spec in fields if spec.required]
    return schema


def _vote_schema() -> dict[str, Any]:
    schema = record_schema(
        Vote, interchange._SCHEMAS[Vote], "One dot; an anonymous vote's dots name a voter number."
    )
    schema["properties"]["voter"] = {
        "type": "integer",
        "minimum": 1,
        "description": "Instead of participant_id for an anonymous vote: groups one person's dots, names nobody.",
    }
    schema["required"] = [name for name in schema["required"] if name != "participant_id"]
    schema["oneOf"] = [{"required": ["participant_id"]}, {"required": ["voter"]}]
    return schema


def _private_readiness_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "The distribution of the readiness answers typed privately in one round.",
        "properties": {
            "round": {"enum": ["start", "end"]},
            "responses": {"type": "integer", "minimum": 1, "maximum": limits.MAX_RECORDS},
            "attitudes": {
                "type": "object",
                "propertyNames": {"enum": list(catalogue.ATTITUDE_BY_KEY)},
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
            "scores": {
                "type": "object",
                "propertyNames": {"enum": list(catalogue.DISCIPLINE_KEYS)},
                "additionalProperties": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 0},
                    "minItems": len(privacy.SCORE_VALUES),
                    "maxItems": len(privacy.SCORE_VALUES),
                },
            },
        },
        "required": ["round", "responses"],
    }


def build() -> dict[str, Any]:
    """The whole schema as plain data."""
    sections: dict[str, Any] = {}
    for section, cls in interchange.SECTIONS:
        item = _vote_schema() if cls is Vote else record_schema(cls, interchange._SCHEMAS[cls])
        sections[section] = {"type": "array", "maxItems": limits.MAX_RECORDS, "items": item}
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "Six Disciplines Workshop interchange file",
        "description": (
            "One workshop as `workshop export --format json` writes it and `workshop import` reads it "
            "(docs/FORMAT.md). Generated by `python -m exports.schema` from the import's own checks."
        ),
        "type": "object",
        "properties": {
            "format": {"const": interchange.FORMAT_NAME},
            "version": {"const": interchange.FORMAT_VERSION},
            "exported_at": {"type": "string"},
            "app_version": {"type": "string"},
            "workshop": record_schema(Workshop, interchange._WORKSHOP_SCHEMA),
            **sections,
            interchange.PRIVATE_READINESS: {"type": "array", "items": _private_readiness_schema()},
        },
        "required": ["format", "version", "workshop", *(section for section, _ in interchange.SECTIONS)],
    }


def text() -> str:
    """The schema file's text: indented JSON with a final newline."""
    return json.dumps(build(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    sys.stdout.write(text())
