"""Grounding is a pure function: verbatim excerpts pass, invented ones fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbrief import api
from newsbrief.brief.grounding import (
    check_brief,
    drop_ungrounded,
    is_grounded,
    normalize,
    summary_support,
)
from newsbrief.brief.schemas import Brief, Pledge, Quote, QuotedExpert

from .conftest import SUMMARY, FakeProvider

SOURCE = (
    "“China-Belarus relations are a role model,” Zhao said.\n\n"
    "The two sides will expand interbank credit — and financial cooperation."
)


def test_typographic_differences_do_not_matter() -> None:
    src = normalize(SOURCE)
    assert is_grounded('"China-Belarus relations are a role model,"', src)
    assert is_grounded("expand interbank credit - and financial cooperation.", src)
    assert is_grounded("THE TWO SIDES   WILL expand", src)


def test_invented_or_empty_excerpts_fail() -> None:
    src = normalize(SOURCE)
    assert not is_grounded("relations are a perfect model", src)
    assert not is_grounded("", src)
    assert not is_grounded(" ,. ", src)


@given(st.data())
def test_every_substring_of_the_source_is_grounded(data: st.DataObject) -> None:
    words = SOURCE.split()
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    assert is_grounded(" ".join(words[start:end]), normalize(SOURCE))


def test_check_brief_counts_and_explains() -> None:
    brief = Brief(
        summary="x",
        pledges=[Pledge(actor="a", commitment="c", evidence="will expand interbank credit")],
        quoted_experts=[
            QuotedExpert(
                name="Zhao",
                quotes=[
                    Quote(text="a role model", kind="direct"),
                    Quote(text="relations are good", kind="indirect"),  # not checked
                ],
            ),
            QuotedExpert(name="Nobody Here", quotes=[Quote(text="made up", kind="direct")]),
        ],
    )
    report = check_brief(brief, SOURCE).to_dict()
    assert report["checked"] == 5
    assert report["grounded"] == 3
    assert [u["path"] for u in report["ungrounded"]] == [
        "quoted_experts[1].quotes[0].text",
        "quoted_experts[1].name",
    ]


# --- re-ask once, then drop: a prompt that asks for whole parts over the article ---------------

WHOLE_PARTS = """id: brief
version: 9
description: Whole parts over the article, for models strong enough to list them.
system: system.j2
tasks:
  - {part: summary, scope: article, template: summary.j2, max_tokens: 160}
  - {part: pledges, scope: article, template: pledges_all.j2, max_tokens: 400}
  - {part: quoted_experts, scope: article, template: experts_all.j2, max_tokens: 400}
"""
REAL = "The two countries said that they will strengthen cooperation in the areas of defense"
INVENTED = "Belarus promised to build a bridge to the moon"


@pytest.fixture
def whole_parts_prompt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "prompts"
    shutil.copytree(Path(__file__).resolve().parents[1] / "prompts", root)
    version = root / "brief" / "v9"
    version.mkdir()
    for name in ("system.j2", "article.j2", "summary.j2"):
        shutil.copy(root / "brief" / "v1" / name, version / name)
    (version / "prompt.yaml").write_text(WHOLE_PARTS)
    for name, task in (
        ("pledges_all.j2", "List the pledges."),
        ("experts_all.j2", "List experts."),
    ):
        (version / name).write_text('{% include "article.j2" %}\n\n' + task + "\n")
    monkeypatch.setenv("NEWSBRIEF_PROMPTS_DIR", str(root))


def _pledge(evidence: str) -> dict[str, object]:
    return {
        "actor": "China and Belarus",
        "commitment": "act",
        "condition": None,
        "evidence": evidence,
    }


def test_ungrounded_items_are_reasked_once_then_dropped(
    whole_parts_prompt: None, fake_provider: FakeProvider, seed_path: Path
) -> None:
    expert = {
        "name": "Zhao Huirong",
        "role": None,
        "affiliation": None,
        "quotes": [{"text": "relations are a role model of a new type", "kind": "direct"}],
    }
    fake_provider.queue(
        SUMMARY,
        {"pledges": [_pledge(REAL), _pledge(INVENTED)]},
        {"pledges": [_pledge(REAL), _pledge(INVENTED)]},  # still invented after the re-ask
        {"quoted_experts": [expert]},
    )
    result = api.summarize(str(seed_path), model="fake:x", prompt="brief@9")
    assert [p.evidence for p in result.brief.pledges] == [REAL]
    reask = fake_provider.requests[2]["messages"]
    assert INVENTED in reask[-1]["content"] and "word for word" in reask[-1]["content"]
    assert len(fake_provider.requests) == 4  # the experts were grounded: no re-ask
    grounding = result.meta["grounding"]
    assert grounding["ungrounded"] == []  # nothing ungrounded reaches the brief
    assert [d["text"] for d in grounding["dropped"]] == [INVENTED]


def test_a_reask_that_fixes_the_item_keeps_it(
    whole_parts_prompt: None, fake_provider: FakeProvider, seed_path: Path
) -> None:
    fake_provider.queue(
        SUMMARY,
        {"pledges": [_pledge(INVENTED)]},
        {"pledges": [_pledge(REAL)]},
        {"quoted_experts": []},
    )
    result = api.summarize(str(seed_path), model="fake:x", prompt="brief@9")
    assert [p.evidence for p in result.brief.pledges] == [REAL]
    assert result.meta["grounding"]["dropped"] == []


def test_drop_ungrounded_is_pure_and_explains() -> None:
    brief = Brief(
        summary="x",
        pledges=[Pledge(actor="a", commitment="c", evidence="invented text")],
        quoted_experts=[
            QuotedExpert(name="Zhao", quotes=[Quote(text="made up words", kind="direct")]),
        ],
    )
    kept, dropped = drop_ungrounded(brief, SOURCE)
    assert kept.pledges == [] and kept.quoted_experts == []
    assert [d["path"] for d in dropped] == [
        "pledges[0].evidence", "quoted_experts[0].quotes[0].text", "quoted_experts[0]",
    ]  # fmt: skip
    assert brief.pledges  # the input is not changed


# --- summary support --------------------------------------------------------------------------

ARTICLE = (
    "Premier Li Qiang arrived in Minsk on Tuesday for a two-day visit.\n\n"
    "Beijing and Minsk pledged to expand trade to 8 billion dollars by 2030, the joint "
    "communique said. The two countries also agreed to run more freight trains."
)


def test_summary_sentences_from_the_articles_facts_are_supported() -> None:
    kept, unsupported = summary_support(
        [
            "Li Qiang visited Minsk, where both sides pledged to expand trade.",
            "The countries agreed to run more freight trains by 2030.",
        ],
        ARTICLE,
    )
    assert len(kept) == 2 and unsupported == []


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("The deal has met fierce opposition in the Middle East.", "the name 'Middle'"),
        ("Trade will reach 9 billion dollars.", "the number 9"),
        ("Analysts fear sanctions could derail fragile reconciliation talks.", "words not in"),
    ],
)
def test_invented_names_numbers_and_claims_are_not_supported(sentence: str, reason: str) -> None:
    kept, unsupported = summary_support([sentence], ARTICLE)
    assert kept == [] and unsupported[0][0] == sentence
    assert unsupported[0][1].startswith(reason)


@given(st.data())
def test_every_sentence_of_the_article_supports_itself(data: st.DataObject) -> None:
    from newsbrief.brief.rules.sentences import split_sentences

    sentences = split_sentences(ARTICLE)
    chosen = data.draw(st.lists(st.sampled_from(sentences), min_size=1, max_size=3))
    kept, unsupported = summary_support(chosen, ARTICLE)
    assert kept == chosen and unsupported == []
