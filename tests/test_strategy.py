"""The strategy seam: registry, defaults and overrides, the whole strategy, and cache keys."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from newsbrief import api, base, quick
from newsbrief.brief.llm import LLM
from newsbrief.brief.prompts import load_prompt
from newsbrief.brief.strategies import get_strategy, names
from newsbrief.brief.strategies.common import Asker
from newsbrief.cli import app
from newsbrief.config import resolve_settings
from newsbrief.errors import PromptError, UsageError
from newsbrief.store import Store

from .conftest import NAMES, SUMMARY, FakeProvider
from .fault_server import Fault, FaultServer, fault_server

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "brief.v1.schema.json").read_text(encoding="utf-8"))
REAL = "The two countries said that they will strengthen cooperation in the areas of defense"
INVENTED = "Belarus promised to build a bridge to the moon"
ZHAO = (
    "exchanges at the government level will effectively implement the strategic plans of the "
    "two heads of state"
)
MADE_UP_QUOTE = "Belarus will become the richest country on earth"
WHOLE_SUMMARY = {"summary": "Premier Li Qiang visited Belarus, and both sides pledged closer ties."}


def pledge(evidence: str) -> dict[str, Any]:
    return {"actor": "China and Belarus", "commitment": "cooperate on defense",
            "condition": None, "evidence": evidence}  # fmt: skip


def expert(*quotes: str) -> dict[str, Any]:
    return {"name": "Zhao Huirong", "role": "expert", "affiliation": None,
            "quotes": [{"text": q, "kind": "direct"} for q in quotes]}  # fmt: skip


# --- the registry and the choice of strategy ---------------------------------------------------


def test_the_registry_lists_the_choices_in_its_error() -> None:
    assert names() == ["focused", "whole", "floor"]
    assert get_strategy("whole").name == "whole"
    with pytest.raises(UsageError, match="unknown strategy 'fast'; choose one of: focused, "):
        get_strategy("fast")
    assert not get_strategy("floor").needs_llm


def test_every_strategy_declares_itself_in_its_own_module() -> None:
    # The spec the fast path reads from the source is the one the imported module holds, and
    # the strategy's version and default prompt come from it (said once, in the module).
    import importlib

    specs = base.strategy_specs()
    assert set(specs) == set(names())
    for name in names():
        module = importlib.import_module(f"newsbrief.brief.strategies.{name}")
        assert specs[name] == module.SPEC
        assert module.STRATEGY is get_strategy(name)
        assert get_strategy(name).version == specs[name].version
        assert base.default_prompts().get(name) == specs[name].default_prompt
    assert "floor" not in base.default_prompts()  # reads no prompt: never served cached


def test_a_spec_that_is_not_literal_is_refused(tmp_path: Path) -> None:
    module = tmp_path / "mine.py"
    module.write_text('VERSION = 2\nSPEC = StrategySpec(name="mine", version=VERSION)\n')
    with pytest.raises(ValueError, match=r"mine\.py: SPEC must be StrategySpec"):
        base._declared_spec(module)
    module.write_text('SPEC = StrategySpec(name="mine", version=2, scopes=("article",))\n')
    assert base._declared_spec(module) == base.StrategySpec("mine", 2, None, ("article",))


def test_a_prompt_with_a_scope_its_strategy_does_not_accept_is_refused(tmp_path: Path) -> None:
    # A scope no strategy knows fails as the prompt loads; a scope another strategy knows
    # fails when the chosen strategy checks the prompt, naming the scopes it accepts.
    import dataclasses

    whole = load_prompt("brief@3")
    task = whole.spec.tasks[0].model_copy(update={"scope": "names", "part": "quoted_experts"})
    spec = whole.spec.model_copy(update={"tasks": [task, *whole.spec.tasks[1:]]})
    loaded = dataclasses.replace(whole, spec=spec)
    with pytest.raises(PromptError, match=r"cannot ask: quoted_experts \(names\)"):
        get_strategy("whole").check_prompt(loaded)
    with pytest.raises(ValueError, match="unknown scope 'paragraph'"):
        type(task).model_validate({**task.model_dump(), "scope": "paragraph"})


def test_the_code_fingerprint_counts_every_file_of_the_brief_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "newsbrief"
    shutil.copytree(base.BRIEF_DIR, package / "brief")
    monkeypatch.setattr(base, "PACKAGE_DIR", package)
    monkeypatch.setattr(base, "BRIEF_DIR", package / "brief")
    base.code_fingerprint.cache_clear()
    try:
        before = base.code_fingerprint()
        (package / "brief" / "rules" / "quotes.py").write_text("RULE = 1\n")
        base.code_fingerprint.cache_clear()
        assert base.code_fingerprint() != before  # a new module counts, unlisted
    finally:
        base.code_fingerprint.cache_clear()


@pytest.mark.parametrize(
    ("model", "expected"),
    [("local", "focused"), ("local:/m.gguf", "focused"), ("openai:gpt-4o-mini", "whole"),
     ("fake:x", "focused")],
)  # fmt: skip
def test_the_default_strategy_and_prompt_follow_the_model(model: str, expected: str) -> None:
    plan = api.plan(None, None, resolve_settings(model=model))
    assert plan.strategy.name == expected
    assert plan.prompt is not None and plan.prompt.ref == base.default_prompts()[expected]


def test_overrides_flag_then_prompt_then_environment_then_config(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text('strategy = "whole"\n')
    settings = resolve_settings(model="local")
    assert api.plan(None, None, settings).strategy.name == "whole"  # config beats the model
    assert api.plan("brief@2", None, settings).strategy.name == "focused"  # the prompt's
    assert api.plan(None, "floor", settings).prompt is None  # the flag beats all
    monkeypatch.setenv("NEWSBRIEF_STRATEGY", "focused")
    assert api.plan(None, None, resolve_settings(model="local")).strategy.name == "focused"


UNKNOWN_STRATEGY_COMMANDS = [
    ["summarize", "{seed}", "-p", "brief@2"],  # the prompt decides: the setting is unused
    ["summarize", "{seed}", "--strategy", "floor"],
    ["models"],
    ["models", "-f", "json"],
    ["batch", "{seed}", "-o", "{out}"],
    ["eval", "--strategy", "floor", "-o", "{out}"],
]


@pytest.mark.parametrize("where", ["environment", "config"])
@pytest.mark.parametrize("command", UNKNOWN_STRATEGY_COMMANDS, ids=" ".join)
def test_an_unknown_configured_strategy_is_exit_2_everywhere(
    command: list[str], where: str, isolated_home: Path, tmp_path: Path, seed_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    if where == "environment":
        monkeypatch.setenv("NEWSBRIEF_STRATEGY", "wholle")
        named = "NEWSBRIEF_STRATEGY='wholle'"
    else:
        isolated_home.mkdir(parents=True, exist_ok=True)
        (isolated_home / "config.toml").write_text('strategy = "wholle"\n')
        named = f"strategy = 'wholle' in config file {isolated_home / 'config.toml'}"
    out = tmp_path / "out.jsonl"
    args = [a.format(seed=seed_path, out=out) for a in command]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr == (f"error: {named} is not a strategy; choose one of: focused, "
                             "whole, floor\n")  # fmt: skip
    assert result.stdout == "" and not out.exists()


def test_the_fast_path_serves_no_cached_brief_past_an_unknown_configured_strategy(
    fake_provider: FakeProvider, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_provider.queue(SUMMARY, NAMES)
    args = ["summarize", str(seed_path), "-m", "fake:x", "-p", "brief@2", "-f", "json"]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert quick.lookup(quick.parse_summarize(args) or {}, 0.0) is not None, "it is cached"
    monkeypatch.setenv("NEWSBRIEF_STRATEGY", "wholle")
    assert quick.lookup(quick.parse_summarize(args) or {}, 0.0) is None
    assert CliRunner().invoke(app, args).exit_code == 2


def test_a_prompt_written_for_another_strategy_is_refused_with_the_fix() -> None:
    settings = resolve_settings(model="local")
    with pytest.raises(PromptError, match=r"brief@2 is written for the focused .*--strategy"):
        api.plan("brief@2", "whole", settings)
    with pytest.raises(PromptError, match="brief@3 is written for the whole"):
        api.plan("brief@3", "focused", settings)
    result = CliRunner().invoke(app, ["summarize", "x.txt", "--strategy", "whole", "-p", "brief@1"])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output


def test_the_fast_path_reads_a_prompts_strategy_as_the_full_path_does() -> None:
    for name, versions in base.available_prompts().items():
        for version in versions:
            loaded = load_prompt(f"{name}@{version}")
            assert base.declared_strategy(loaded.directory) == loaded.spec.strategy


def test_released_focused_prompts_keep_their_hashes() -> None:
    assert load_prompt("brief@1").sha256.startswith("57bd87fb4a75")
    assert load_prompt("brief@2").sha256.startswith("94d89f587691")


# --- the whole strategy, with the scripted double -----------------------------------------------


def whole_llm(*replies: Any) -> tuple[LLM, FakeProvider]:
    provider = FakeProvider().queue(*replies)
    return LLM(provider), provider


def test_whole_asks_one_question_per_part_over_the_whole_article(seed_path: Path) -> None:
    pledges = {"pledges": [{**pledge(REAL), "actor": f"Actor {i}"} for i in range(12)]}
    llm, provider = whole_llm(WHOLE_SUMMARY, pledges, {"positions": []},
                              {"quoted_experts": [expert(ZHAO)]})  # fmt: skip
    result = api.summarize(str(seed_path), llm=llm, strategy="whole", cache=False, log=False)
    assert len(provider.requests) == 4
    assert all("Zhao Huirong, an Eastern" in r["messages"][1]["content"] for r in provider.requests)
    assert [r["max_tokens"] for r in provider.requests] == [400, 3000, 3000, 3000]
    assert len(result.brief.pledges) == 12, "no focused limit (8) applies"
    assert result.brief.summary == WHOLE_SUMMARY["summary"]
    assert result.brief.quoted_experts[0].quotes[0].text == ZHAO
    meta = result.meta
    assert (meta["strategy"], meta["strategy_version"], meta["prompt"]) == ("whole", 3, "brief@3")
    assert meta["attempts"] == 4 and meta["grounding"]["ungrounded"] == []


def test_whole_reasks_the_ungrounded_once_then_drops_them(seed_path: Path) -> None:
    invented = {"pledges": [pledge(REAL), pledge(INVENTED)]}
    quoted = {"quoted_experts": [expert(ZHAO, MADE_UP_QUOTE)]}
    llm, provider = whole_llm(WHOLE_SUMMARY, invented, invented, {"positions": []}, quoted, quoted)
    result = api.summarize(str(seed_path), llm=llm, strategy="whole", cache=False, log=False)
    assert [p.evidence for p in result.brief.pledges] == [REAL]
    assert [q.text for q in result.brief.quoted_experts[0].quotes] == [ZHAO]
    reask = provider.requests[2]["messages"]
    assert reask[-2]["role"] == "assistant" and INVENTED in reask[-1]["content"]
    assert MADE_UP_QUOTE in provider.requests[5]["messages"][-1]["content"]
    dropped = result.meta["grounding"]["dropped"]
    assert [(d["part"], d["text"]) for d in dropped] == [
        ("pledges", INVENTED), ("quoted_experts", MADE_UP_QUOTE)]  # fmt: skip
    assert result.meta["grounding"]["ungrounded"] == []


def test_whole_drops_a_list_part_with_no_valid_reply_and_keeps_the_rest(seed_path: Path) -> None:
    llm, provider = whole_llm(WHOLE_SUMMARY, "not json", "not json", "not json",
                              {"positions": []}, {"quoted_experts": []})  # fmt: skip
    result = api.summarize(str(seed_path), llm=llm, strategy="whole", cache=False, log=False)
    assert result.brief.summary and result.brief.pledges == []
    [drop] = result.meta["grounding"]["dropped"]
    assert drop["part"] == "pledges" and drop["reason"].startswith("no valid reply")
    assert result.meta["attempts"] == len(provider.requests) == 6


def test_whole_reads_a_long_article_in_pieces_and_merges_them(seed_path: Path) -> None:
    llm, provider = whole_llm()
    provider.window = 7000  # words, as the double counts them: 6,000 are kept for the reply
    provider.replies.extend([WHOLE_SUMMARY] * 20)
    prompt = load_prompt("brief@3")
    cleaned = api.clean(str(seed_path))[1]
    pieces = len(Asker(prompt, cleaned, llm, None).chunks(prompt.spec.tasks[1]))
    assert pieces >= 2
    provider.replies.clear()
    provider.queue(*[WHOLE_SUMMARY] * pieces, WHOLE_SUMMARY)  # per piece, then once more
    provider.queue(*[{"pledges": [pledge(REAL)]}] * pieces)  # the same pledge in every piece
    provider.queue(*[{"positions": []}] * pieces, *[{"quoted_experts": []}] * pieces)
    result = api.summarize(str(seed_path), llm=llm, strategy="whole", cache=False, log=False)
    assert result.meta["pieces"] == pieces
    assert [p.evidence for p in result.brief.pledges] == [REAL], "merged: once"
    assert len(provider.requests) == 4 * pieces + 1


def test_one_question_for_the_whole_brief(
    seed_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = tmp_path / "prompts" / "brief" / "v9"
    version.mkdir(parents=True)
    (version / "prompt.yaml").write_text(
        "id: brief\nversion: 9\nstrategy: whole\ndescription: One question.\n"
        "system: system.j2\ntasks:\n  - {part: brief, template: brief.j2, max_tokens: 4000}\n"
    )
    (version / "system.j2").write_text("Reply in JSON.\n")
    (version / "brief.j2").write_text("<article>{{ text }}</article>\nWrite the brief.\n")
    monkeypatch.setenv("NEWSBRIEF_PROMPTS_DIR", str(tmp_path / "prompts"))
    whole = {**WHOLE_SUMMARY, "pledges": [pledge(REAL), pledge(INVENTED)], "positions": [],
             "quoted_experts": [expert(ZHAO)]}  # fmt: skip
    llm, provider = whole_llm(whole, whole)
    result = api.summarize(str(seed_path), llm=llm, prompt="brief@9", cache=False, log=False)
    assert result.meta["strategy"] == "whole" and len(provider.requests) == 2  # ask, re-ask
    assert provider.requests[0]["response_format"]["json_schema"]["name"] == "Brief"
    assert [p.evidence for p in result.brief.pledges] == [REAL]
    assert result.brief.quoted_experts[0].name == "Zhao Huirong"


# --- whole through the CLI against the fault server: re-asks, truncation, ungrounded quotes -----


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with fault_server() as running:
        yield running


def test_summarize_whole_against_a_misbehaving_server(
    server: FaultServer, seed_path: Path, isolated_home: Path
) -> None:
    cut = Fault("ok", content='{"summary": "Premier Li', finish_reason="length")
    server.then(
        cut, Fault("ok", reply=WHOLE_SUMMARY),  # truncated: asked again with double the budget
        Fault("ok", content="not json"),  # invalid: re-asked with the error
        Fault("ok", reply={"pledges": [pledge(REAL)]}),
        Fault("ok", reply={"positions": []}),
        Fault("ok", reply={"quoted_experts": [expert(ZHAO, MADE_UP_QUOTE)]}),  # ungrounded
        Fault("ok", reply={"quoted_experts": [expert(ZHAO, MADE_UP_QUOTE)]}),  # and again
    )  # fmt: skip
    result = CliRunner().invoke(app, [
        "summarize", str(seed_path), "--model", "openai:fault", "--base-url", server.base_url,
        "--mode", "json_schema", "--format", "json",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data["brief"], SCHEMA)
    meta = data["meta"]
    assert (meta["strategy"], meta["prompt"], meta["model"]) == ("whole", "brief@3", "openai:fault")
    assert [r["max_tokens"] for r in server.requests[:2]] == [400, 800]
    assert "not json" in json.dumps(server.requests[3]["messages"])
    assert MADE_UP_QUOTE in server.requests[-1]["messages"][-1]["content"]
    assert meta["attempts"] == len(server.requests) == 7
    assert meta["grounding"]["ungrounded"] == []
    assert [d["text"] for d in meta["grounding"]["dropped"]] == [MADE_UP_QUOTE]
    assert data["brief"]["pledges"][0]["evidence"] == REAL
    store = Store()
    assert len(store.calls()) == 5, "one run-log record per question (and the re-ask's)"
    store.close()


def test_a_summary_truncated_twice_fails_the_whole_brief(
    server: FaultServer, seed_path: Path
) -> None:
    cut = Fault("ok", content='{"summary": "Premier Li', finish_reason="length")
    server.then(cut, cut)
    result = CliRunner().invoke(app, [
        "summarize", str(seed_path), "-m", "openai:fault", "--base-url", server.base_url,
        "--mode", "json_schema", "--no-cache",
    ])  # fmt: skip
    assert result.exit_code == 1 and "token limit" in result.output


def test_a_learned_window_stays_with_the_llm_not_the_shared_provider(
    server: FaultServer, seed_path: Path
) -> None:
    server.context_limit = 1200
    settings = resolve_settings(model="openai:fault", base_url=server.base_url, mode="json_schema")
    provider = api.make_llm(settings).provider
    first = api.make_llm(settings, provider=provider)
    second = api.make_llm(settings, provider=provider)
    result = api.summarize(str(seed_path), llm=first, prompt="brief@2", cache=False, log=False)
    assert result.meta["pieces"] >= 2 and first.context_window == 1200
    assert provider.context_window is None and second.context_window is None


# --- batch and eval take the strategy too --------------------------------------------------------


def test_batch_with_the_whole_strategy(
    server: FaultServer, seed_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, [
        "batch", str(seed_path), "--out", str(out), "-m", "openai:fault", "--base-url",
        server.base_url, "--mode", "json_schema", "--quiet", "--strategy", "whole",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text())
    assert record["meta"]["strategy"] == "whole" and record["meta"]["prompt"] == "brief@3"
    floor_out = tmp_path / "floor.jsonl"
    result = CliRunner().invoke(app, ["batch", str(seed_path), "--out", str(floor_out),
                                      "--quiet", "--strategy", "floor"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(floor_out.read_text())["meta"]["model"] == "none"


# --- cache keys know the strategy and the code ---------------------------------------------------


@pytest.mark.usefixtures("brief2_default")
def test_a_code_or_strategy_change_misses_both_caches(
    fake_provider: FakeProvider, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["summarize", str(seed_path), "-m", "fake:x", "-f", "json"]

    def hit() -> tuple[bool, bool]:
        served = quick.try_fast(args)
        fake_provider.queue(SUMMARY, NAMES)
        cached = api.summarize(str(seed_path), model="fake:x").meta["cached"]
        return served, cached

    fake_provider.queue(SUMMARY, NAMES)
    api.summarize(str(seed_path), model="fake:x")
    assert hit() == (True, True)
    monkeypatch.setattr(base, "code_fingerprint", lambda: "a heuristic in brief/rules changed")
    assert hit() == (False, False)
    assert hit() == (True, True)
    declared = base.strategy_specs()["focused"]
    bumped = declared.version + 1
    monkeypatch.setitem(base.strategy_specs(), "focused", declared._replace(version=bumped))
    assert get_strategy("focused").version == bumped
    assert hit() == (False, False)
    fake_provider.queue(*[WHOLE_SUMMARY, {"pledges": []}, {"positions": []},
                          {"quoted_experts": []}])  # fmt: skip
    whole = api.summarize(str(seed_path), model="fake:x", strategy="whole")
    assert not whole.meta["cached"], "another strategy is another key"


def test_the_cache_key_covers_strategy_and_cleaner(monkeypatch: pytest.MonkeyPatch) -> None:
    cleaned = api.clean_source(api.read_source(str(ROOT / "seeds" / "000_ec47db115828c336.txt")))
    prompt = load_prompt("brief@2")
    key = api.cache_key(cleaned, prompt, "m")
    assert key == api.cache_key(cleaned, prompt, "m", 0, "focused")
    assert key != api.cache_key(cleaned, prompt, "m", 0, "whole")
    monkeypatch.setattr(api, "cleaner_version", lambda: "another cleaner")
    assert key != api.cache_key(cleaned, prompt, "m")


# --- summaries the article supports, and brief@4's choices ----------------------------------------

UNSUPPORTED = "The deal has met fierce opposition across the Middle East and North Africa."


@pytest.mark.usefixtures("brief2_default")
def test_focused_reasks_an_unsupported_summary_sentence_then_drops_it(seed_path: Path) -> None:
    told = {"summary": f"Premier Li Qiang visited Belarus. {UNSUPPORTED}"}
    provider = FakeProvider().queue(told, told, NAMES)
    result = api.summarize(str(seed_path), llm=LLM(provider), cache=False, log=False)
    assert result.brief.summary == "Premier Li Qiang visited Belarus."
    reask = provider.requests[1]["messages"]
    assert reask[-2]["role"] == "assistant" and "Middle" in reask[-1]["content"]
    dropped = [d for d in result.meta["grounding"]["dropped"] if d["part"] == "summary"]
    assert [d["text"] for d in dropped] == [UNSUPPORTED]
    assert "not supported by the article: the name 'Middle'" in dropped[0]["reason"]


@pytest.mark.usefixtures("brief2_default")
def test_when_no_summary_sentence_is_supported_the_lead_stands_in_and_says_so(
    seed_path: Path,
) -> None:
    told = {"summary": UNSUPPORTED}
    provider = FakeProvider().queue(told, told, NAMES)
    result = api.summarize(str(seed_path), llm=LLM(provider), cache=False, log=False)
    text = seed_path.read_text(encoding="utf-8")
    assert result.brief.summary and result.brief.summary.split(". ")[0] in text
    reasons = [d["reason"] for d in result.meta["grounding"]["dropped"] if d["part"] == "summary"]
    assert reasons[-1].startswith("no sentence of the summary is supported")


def test_whole_drops_an_unsupported_summary_sentence(seed_path: Path) -> None:
    told = {"summary": f"Premier Li Qiang visited Belarus. {UNSUPPORTED}"}
    llm, _ = whole_llm(told, {"pledges": []}, {"positions": []}, {"quoted_experts": []})
    result = api.summarize(str(seed_path), llm=llm, strategy="whole", cache=False, log=False)
    assert result.brief.summary == "Premier Li Qiang visited Belarus."
    assert UNSUPPORTED in [d["text"] for d in result.meta["grounding"]["dropped"]]


def test_brief4_summary_is_the_chosen_sentences_verbatim_in_article_order(
    seed_path: Path,
) -> None:
    provider = FakeProvider().queue({"numbers": [5, 2]})
    result = api.summarize(
        str(seed_path), llm=LLM(provider), prompt="brief@4", cache=False, log=False
    )
    chosen = provider.requests[0]["messages"][-1]["content"]
    numbered = dict(line.split(". ", 1) for line in chosen.splitlines() if line[:1].isdigit())
    assert len(numbered) == 8
    assert result.brief.summary == f"{numbered['2']} {numbered['5']}"
    assert numbered["1"] in seed_path.read_text(encoding="utf-8")
    # All three are introduced as specialists ("research fellow with the Institute ...",
    # "expert from the Chinese Academy ...", "professor from ..."): kept without a question.
    experts = result.brief.quoted_experts
    assert [e.name for e in experts] == ["Yang Jin", "Zhao Huirong", "Cui Hongjian"]
    assert all(e.quotes for e in experts) and experts[2].role == "professor"
    assert "ChosenExperts" not in json.dumps([r.get("response_format") for r in provider.requests])


def test_the_focused_default_is_brief4_whose_summary_is_chosen_sentences(seed_path: Path) -> None:
    provider = FakeProvider()  # no queue: the first option of every choice
    result = api.summarize(str(seed_path), llm=LLM(provider), cache=False, log=False)
    assert result.meta["prompt"].startswith("brief@4")
    assert provider.requests[0]["response_format"]["json_schema"]["name"] == "ChosenSentences"
    assert result.brief.summary and result.brief.summary in seed_path.read_text(encoding="utf-8")


PEOPLE = (
    "Port deal signed\n\n"
    "The two ports signed a deal on Monday to share a rail terminal by 2027. "
    "Mara Lind, a transport economist at the University of Osterby, said the deal was "
    "overdue. Tomas Vik, a competition lawyer at Vik and Berg, said regulators would look "
    "at it closely. Anna Holm, who runs a cafe near the docks, said she feared the noise."
)


def _experts_left_out(result: api.BriefResult) -> list[str]:
    dropped = result.meta["grounding"]["dropped"]
    return [d["text"] for d in dropped if d["part"] == "quoted_experts"]


def test_brief4_keeps_specialists_and_drops_the_others_unasked(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(PEOPLE, encoding="utf-8")
    provider = FakeProvider().queue({"numbers": [1]})
    result = api.summarize(
        str(article), llm=LLM(provider), prompt="brief@4", cache=False, log=False
    )
    assert "ChosenExperts" not in json.dumps([r.get("response_format") for r in provider.requests])
    assert [e.name for e in result.brief.quoted_experts] == ["Mara Lind"]
    assert _experts_left_out(result) == ["Tomas Vik", "Anna Holm"]


def test_a_candidates_task_that_asks_asks_only_about_people_without_a_specialists_role(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", prompts)
    spec = prompts / "brief" / "v4" / "prompt.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("unsure: drop", "unsure: ask"))
    monkeypatch.setenv("NEWSBRIEF_PROMPTS_DIR", str(prompts))
    article = tmp_path / "a.txt"
    article.write_text(PEOPLE, encoding="utf-8")
    provider = FakeProvider().queue({"numbers": [1]}, {"names": ["Tomas Vik"]})
    result = api.summarize(
        str(article), llm=LLM(provider), prompt="brief@4", cache=False, log=False
    )
    asked = provider.requests[1]["messages"][-1]["content"]
    assert "Tomas Vik" in asked and "Anna Holm" in asked and "Mara Lind" not in asked
    assert [e.name for e in result.brief.quoted_experts] == ["Mara Lind", "Tomas Vik"]
    assert _experts_left_out(result) == ["Anna Holm"]


def test_brief4_asks_nothing_about_experts_when_the_article_introduces_none(
    tmp_path: Path,
) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "Council approves budget\n\n"
        "The city council approved its budget on Monday after a long debate. "
        "The mayor said the plan would fund new buses. Residents welcomed the vote. "
        "The budget grows by 4 percent. Work on the depot starts in May.",
        encoding="utf-8",
    )
    provider = FakeProvider().queue({"numbers": [1]})
    result = api.summarize(
        str(article), llm=LLM(provider), prompt="brief@4", cache=False, log=False
    )
    assert result.brief.quoted_experts == []
    assert "ChosenExperts" not in json.dumps([r.get("response_format") for r in provider.requests])
    assert (
        result.brief.summary
        == "The city council approved its budget on Monday after a long debate."
    )


def test_the_models_stance_yields_to_its_chosen_views_own_cue() -> None:
    from newsbrief.brief.rules.sentences import cue_pattern
    from newsbrief.brief.strategies.focused import _Runner

    sentence = "Peru condemns the blockade and welcomes the talks."
    polarity = {"condemns": "opposes", "welcomes": "supports"}
    cues = cue_pattern(polarity)
    answer = {"actor": "Peru", "view": "condemns the blockade", "stance": "supports"}
    position = _Runner._position(answer, sentence, polarity, cues)
    assert (position.actor, position.stance, position.topic) == ("Peru", "opposes", "the blockade")
    # "mixed" or "neutral" is the model's to say: no cue tells it
    mixed = _Runner._position({**answer, "stance": "mixed"}, sentence, polarity, cues)
    assert mixed.stance == "mixed"
