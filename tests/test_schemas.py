"""The committed JSON Schema matches the models; parts assemble into a Brief."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from newsbrief.brief.schemas import (
    SCHEMA_FILENAME,
    Brief,
    BriefPledges,
    BriefSummary,
    assemble_brief,
    schema_text,
)
from newsbrief.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "schemas" / SCHEMA_FILENAME).read_text(encoding="utf-8")
    assert committed == schema_text(), "run `newsbrief schema export` and commit the result"


def test_schema_export_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schema", "export", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / SCHEMA_FILENAME).read_text(encoding="utf-8"))
    assert written["x-schema-version"] == 1
    assert set(written["properties"]) == {"summary", "pledges", "positions", "quoted_experts"}


def test_every_field_has_guidance_for_the_model() -> None:
    schema = Brief.model_json_schema()
    for name, definition in schema["$defs"].items():
        for field, spec in definition["properties"].items():
            assert spec.get("description"), f"{name}.{field} has no description"


def test_assemble_brief_keeps_missing_parts_empty() -> None:
    brief = assemble_brief({"summary": BriefSummary(summary="S."), "pledges": BriefPledges()})
    assert brief == Brief(summary="S.")


def test_the_public_parts_have_no_tiny_model_limits() -> None:
    """The focused strategy's limits (400 characters, 8 items) are its own, not the schema's."""
    long = "A sentence of the summary. " * 40
    pledge = {"actor": "A", "commitment": "act", "evidence": "A will act."}
    assert BriefSummary(summary=long).summary == long
    assert len(BriefPledges.model_validate({"pledges": [pledge] * 30}).pledges) == 30


def test_the_verbatim_fields_are_said_once_and_read_the_same_from_a_brief_or_its_json() -> None:
    # issue 25: grounding, the brief page and the grounding score all take the excerpts from
    # the schema's VERBATIM declarations (schemas.verbatim_excerpts)
    from newsbrief.brief.schemas import Brief, verbatim_excerpts

    brief = Brief.model_validate({
        "summary": "s",
        "pledges": [{"actor": "a", "commitment": "c", "evidence": "E1"}],
        "positions": [{"actor": "a", "topic": "t", "stance": "supports", "statement": "s",
                       "evidence": "E2"}],
        "quoted_experts": [{"name": "n", "quotes": [{"text": "q1", "kind": "direct"},
                                                    {"text": "q2", "kind": "indirect"}]}],
    })  # fmt: skip
    expected = [("pledges[0].evidence", "E1"), ("positions[0].evidence", "E2"),
                ("quoted_experts[0].quotes[0].text", "q1")]  # fmt: skip
    assert verbatim_excerpts(brief) == expected
    assert verbatim_excerpts(brief.model_dump(mode="json")) == expected
    assert verbatim_excerpts({"pledges": "not a list", "positions": [None]}) == []
