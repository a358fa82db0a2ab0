"""The pledge tracker (issue 23) on results written here: merges and non-merges of actors,
paraphrased repeats, changed amounts and dates, reversals, missing dates and malformed
records; the CLI's formats and errors; the page in headless Chromium."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsbrief import api
from newsbrief.cli import app
from newsbrief.evals.track import bcubed, flag_scores, pair_scores
from newsbrief.terminal import json_chunks
from newsbrief.track import content_words, date_terms, person_key, record_date
from newsbrief.track_view import track_page

from .test_html_view import _no_console_errors, chrome  # noqa: F401  (the fixture)


def record(rid: str, pledges: list[tuple[str, str, str]], date: str | None = None,
           others: tuple[str, ...] = ()) -> dict[str, Any]:  # fmt: skip
    """An ok result record; pledges as (actor, commitment, evidence)."""
    article: dict[str, Any] = {"id": rid, "source": f"{rid}.html", "title": rid}
    if date:
        article["date"] = date
    return {
        "version": 1, "id": rid, "status": "ok", "article": article,
        "brief": {"summary": "s",
                  "pledges": [{"actor": a, "commitment": c, "condition": None, "evidence": e}
                              for a, c, e in pledges],
                  "positions": [{"actor": o, "topic": "t", "stance": "neutral", "statement": "s",
                                 "evidence": "e"} for o in others],
                  "quoted_experts": []},
    }  # fmt: skip


def write(path: Path, records: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


ARCHIVE = [
    record("a1", [("Donald Trump", "build a wall on the southern border",
                   "Donald Trump said he will build a wall on the southern border.")],
           "2016-06-01"),
    record("a2", [("Mr. Trump", "construct a border wall in the south",
                   "Mr. Trump vowed to construct a border wall in the south.")], "2016-09-01",
           others=("Donald Trump",)),
    record("a3", [("Donald J. Trump", "cut the corporate tax rate to 20 percent",
                   "Donald J. Trump promised to cut the corporate tax rate to 20 percent.")],
           "2017-03-01"),
    record("a4", [("Trump", "cut the corporate tax rate to 15 percent",
                   "Trump promised to cut the corporate tax rate to 15 percent.")], "2017-08-01"),
    record("a5", [("Bill Clinton", "balance the federal budget by 2002",
                   "Bill Clinton pledged to balance the federal budget by 2002.")], "1997-02-01"),
    record("a6", [("Hillary Clinton", "expand health coverage for children",
                   "Hillary Clinton pledged to expand health coverage for children.")],
           "2016-05-01"),
    record("a7", [("Clinton", "balance the federal budget by 2004",
                   "Clinton pledged to balance the federal budget by 2004.")], "1997-09-01",
           others=("Bill Clinton",)),
    record("a8", [("The Harbour Council", "open the new ferry terminal",
                   "The Harbour Council will open the new ferry terminal.")], "2020-01-10"),
    record("a9", [("the Harbour Council", "will no longer open the new ferry terminal",
                   "The Harbour Council will no longer open the new ferry terminal.")],
           "2020-06-10"),
    record("a10", [("the president", "veto the spending bill",
                    "The president said he would veto the spending bill.")], "2018-01-01"),
    record("a11", [("the president", "veto the spending bill",
                    "The president said she would veto the spending bill.")], "2019-01-01"),
]  # fmt: skip


@pytest.fixture
def tracked(tmp_path: Path) -> dict[str, Any]:
    return api.track([str(write(tmp_path / "r.jsonl", ARCHIVE))])


def actor(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(a for a in document["actors"] if a["name"] == name)


def test_one_person_under_several_names_is_one_actor_and_says_why(
    tracked: dict[str, Any],
) -> None:
    trump = actor(tracked, "Donald Trump")
    assert set(trump["names"]) == {"Donald Trump", "Mr. Trump", "Donald J. Trump", "Trump"}
    why = {m["name"]: m["why"] for m in trump["merged"]}
    assert "named in the same article" in why["Mr. Trump"]  # a2 names Donald Trump
    assert "initials" in why["Donald J. Trump"]
    assert "only person of that surname" in why["Trump"]


def test_two_people_of_one_surname_never_merge(tracked: dict[str, Any]) -> None:
    bill, hillary = actor(tracked, "Bill Clinton"), actor(tracked, "Hillary Clinton")
    assert "Hillary Clinton" not in bill["names"] and "Bill Clinton" not in hillary["names"]
    # a bare "Clinton" joins the Clinton its own article names, and says so
    assert "Clinton" in bill["names"]
    assert "named in the same article" in {m["name"]: m["why"] for m in bill["merged"]}["Clinton"]


def test_a_bare_surname_of_two_people_stays_apart(tmp_path: Path) -> None:
    records = [*ARCHIVE[4:6], record("x", [("Clinton", "visit the port", "Clinton will visit.")])]
    document = api.track([str(write(tmp_path / "r.jsonl", records))])
    assert actor(document, "Clinton")["names"] == {"Clinton": 1}


def test_a_bare_title_is_never_merged_across_articles(tracked: dict[str, Any]) -> None:
    titled = [a for a in tracked["actors"] if a["kind"] == "unresolved"]
    assert len(titled) == 2, "one per article: only the article knows who 'the president' is"


def test_a_paraphrased_repeat_is_one_thread_and_a_new_pledge_another(
    tracked: dict[str, Any],
) -> None:
    threads = actor(tracked, "Donald Trump")["threads"]
    assert sorted(t["count"] for t in threads) == [2, 2]
    wall = next(t for t in threads if "wall" in t["latest"])
    assert (wall["first"], wall["last"]) == ("2016-06-01", "2016-09-01")
    assert [m["article"] for m in wall["mentions"]] == ["a1", "a2"]
    assert not wall["changed"]


def test_a_changed_amount_and_a_changed_date_are_flagged_side_by_side(
    tracked: dict[str, Any],
) -> None:
    tax = next(t for t in actor(tracked, "Donald Trump")["threads"] if "tax" in t["latest"])
    assert tax["changed"] and tax["changes"][0]["what"] == ["amount"]
    assert "20 percent" in tax["changes"][0]["before"] and "15" in tax["changes"][0]["after"]
    budget = actor(tracked, "Bill Clinton")["threads"][0]
    assert budget["count"] == 2 and budget["changes"][0]["what"] == ["date"]


def test_a_reversal_is_flagged(tracked: dict[str, Any]) -> None:
    council = actor(tracked, "Harbour Council")
    assert len(council["threads"]) == 1
    thread = council["threads"][0]
    assert thread["reversed"] and [m["reversal"] for m in thread["mentions"]] == [False, True]


def test_dates_come_from_metadata_then_the_name_then_the_order() -> None:
    assert record_date({"date": "2020-05-01T10:00:00Z", "id": "20081216"}) == (
        "2020-05-01", "metadata")  # fmt: skip
    assert record_date({"id": "20081216"}) == ("2008-12-16", "name")
    assert record_date({"id": "x", "source": "/a/fomc-2012-01-25.txt"}) == ("2012-01-25", "name")
    assert record_date({"id": "x", "date": "last week"}) == (None, "order")


def test_undated_records_are_placed_by_their_order(tmp_path: Path) -> None:
    records = [
        record("u1", [("Ana Novak", "repair the old pier", "Ana Novak will repair the pier.")]),
        record("u2", [("Ana Novak", "repair the old pier by 2030",
                       "Ana Novak will repair the old pier by 2030.")]),
    ]  # fmt: skip
    document = api.track([str(write(tmp_path / "r.jsonl", records))])
    thread = actor(document, "Ana Novak")["threads"][0]
    assert [m["article"] for m in thread["mentions"]] == ["u1", "u2"]
    assert [m["date_from"] for m in thread["mentions"]] == ["order", "order"]
    assert thread["first"] is None and thread["changes"][0]["what"] == ["date"]
    assert document["counts"]["dates"] == {"order": 2}


MALFORMED = ["{not json", "[1, 2]", json.dumps({"id": "n", "status": "ok", "article": {"id": "n"}}),
             json.dumps(record("bad", [("", "x", "y")])),
             json.dumps({"version": 1, "id": "f", "status": "failed", "error": {}})]  # fmt: skip


def test_a_bad_record_is_skipped_and_counted_never_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path / "r.jsonl", [ARCHIVE[0], *MALFORMED, ARCHIVE[1]])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # a byte-order mark is no damage
    document = api.track([str(path)])
    counts = document["counts"]
    assert (counts["records"], counts["failed"], counts["skipped"]) == (7, 1, 4)
    assert counts["mentions"] == 2
    assert [s["where"] for s in document["skipped"]] == [f"r.jsonl:{n}" for n in (2, 3, 4, 5)]
    assert "actor is not a non-empty string" in document["skipped"][3]["reason"]


def test_sqlite_and_jsonl_results_are_read_together(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "r.sqlite")
    db.execute("CREATE TABLE results (id TEXT PRIMARY KEY, status TEXT, written TEXT, record TEXT)")
    for r in ARCHIVE[:2]:
        db.execute("INSERT INTO results VALUES (?, ?, '', ?)", (r["id"], "ok", json.dumps(r)))
    db.commit()
    db.close()
    jsonl = write(tmp_path / "r.jsonl", ARCHIVE[2:4])
    document = api.track([str(tmp_path / "r.sqlite"), str(jsonl)])
    assert document["counts"]["records"] == 4
    assert actor(document, "Donald Trump")["mentions"] == 4


def test_filters_by_actor_and_date(tmp_path: Path) -> None:
    path = str(write(tmp_path / "r.jsonl", ARCHIVE))
    only = api.track([path], actor="clinton")
    assert {a["name"] for a in only["actors"]} == {"Bill Clinton", "Hillary Clinton"}
    recent = api.track([path], since="2017-01-01", until="2017-12-31")
    kept = {m["article"] for a in recent["actors"] for t in a["threads"] for m in t["mentions"]}
    assert kept == {"a3", "a4"}


def test_names_and_words() -> None:
    assert person_key("Mr. Donald J. Trump Jr.") == "Donald Trump"
    assert person_key("the Federal Open Market Committee") == ""
    assert person_key("the president") == "" and person_key("We") == ""
    assert content_words("cut the tax to 20 percent by 2019") == content_words("cut tax 15 percent")


def test_scorers() -> None:
    gold = {1: "a", 2: "a", 3: "b"}
    assert bcubed(gold, {1: 0, 2: 0, 3: 1}).f1 == 1.0
    split = bcubed(gold, {1: 0, 2: 1, 3: 2})
    assert split.precision == 1.0 and round(split.recall, 3) == 0.667
    assert pair_scores(gold, {1: 0, 2: 0, 3: 0}).precision == pytest.approx(1 / 3)
    flags = flag_scores({1: True, 2: False, 3: True}, {1: True, 2: True})
    assert (flags.precision, flags.recall) == (0.5, 0.5)


def test_everything_from_articles_is_escaped_in_the_page(tmp_path: Path) -> None:
    evil = "<script>alert(1)</script>"
    bad = record("<img src=x onerror=alert(2)>", [(f"Ana {evil}", evil, f"{evil} said")])
    path = write(tmp_path / "r.jsonl", [bad])
    page = track_page(api.track([str(path)]))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http" not in page, "self-contained: no network"


def test_cli_formats_and_errors(tmp_path: Path) -> None:
    path = str(write(tmp_path / "r.jsonl", ARCHIVE))
    runner = CliRunner()
    pretty = runner.invoke(app, ["track", path])
    assert (
        pretty.exit_code == 0 and "Donald Trump" in pretty.output and "[changed]" in pretty.output
    )
    as_json = runner.invoke(app, ["track", path, "--format", "json", "--actor", "Trump"])
    assert json.loads(as_json.output)["counts"]["actors"] == 1
    page = tmp_path / "t.html"
    done = runner.invoke(app, ["track", path, "-o", str(page)])
    assert done.exit_code == 0 and page.read_text().startswith("<!doctype html>")
    for args, message in (([str(tmp_path / "none.jsonl")], "no such results file"),
                          ([path, "--since", "May 2020"], "is not a date"),
                          ([path, "--similarity", "magic"], "unknown similarity"),
                          ([path, "--format", "xml"], "choose one of"),
                          ([str(tmp_path)], "a folder, not a results file"),
                          ([str(write(tmp_path / "notes.txt", ["some notes"]))],
                           "is a batch result")):  # fmt: skip
        failed = runner.invoke(app, ["track", *args])
        assert failed.exit_code == 2 and message in failed.output, failed.output
        assert "Traceback" not in failed.output


def test_json_output_is_the_document_with_one_mention_a_line(tmp_path: Path) -> None:
    path = str(write(tmp_path / "r.jsonl", ARCHIVE))
    document = api.track([path])
    out = tmp_path / "t.json"
    runner = CliRunner()
    assert runner.invoke(app, ["track", path, "-f", "json", "-o", str(out)]).exit_code == 0
    printed = runner.invoke(app, ["track", path, "-f", "json"]).output
    written = out.read_text(encoding="utf-8")
    assert json.loads(written) == json.loads(printed) == document
    mentions = [m for a in document["actors"] for t in a["threads"] for m in t["mentions"]]
    lines = {line.strip().removesuffix(",") for line in written.splitlines()}
    assert mentions and all(json.dumps(m, ensure_ascii=False) in lines for m in mentions)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                  max_size=3),
    max_leaves=12,
)  # fmt: skip


@given(JSON, st.integers(min_value=0, max_value=6))
def test_json_chunks_lay_out_any_value(value: Any, inline_from: int) -> None:
    assert "".join(json_chunks(value, 1 << 16)) == json.dumps(value, indent=1, ensure_ascii=False)
    laid = "".join(json_chunks(value, inline_from))
    assert json.loads(laid) == value
    for line in laid.splitlines():  # below inline_from, nothing is broken over lines
        assert len(line) - len(line.lstrip(" ")) <= inline_from


def test_wordllama_loads_only_when_asked() -> None:
    code = ("import sys; from newsbrief.cli import app\n"
            "try:\n app(['track', '--help'])\nexcept SystemExit:\n pass\n"
            "print('LOADED', 'wordllama' in sys.modules)")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED False" in done.stdout


def test_wordllama_similarity_threads_the_archive(tmp_path: Path) -> None:
    pytest.importorskip("wordllama")
    document = api.track([str(write(tmp_path / "r.jsonl", ARCHIVE))], similarity="wordllama")
    assert document["similarity"]["method"] == "wordllama"
    wall = [t for t in actor(document, "Donald Trump")["threads"] if "wall" in t["latest"]]
    assert wall and sum(t["count"] for t in wall) == 2


def test_the_page_in_chromium(chrome: Any, tmp_path: Path) -> None:  # noqa: F811
    results = write(tmp_path / "r.jsonl", ARCHIVE)
    (tmp_path / "a1.html").write_text("<html><body>brief a1</body></html>")
    page = tmp_path / "t.html"
    assert CliRunner().invoke(app, ["track", str(results), "-o", str(page)]).exit_code == 0
    chrome.get(page.as_uri())
    _no_console_errors(chrome)

    def shown() -> list[str]:
        return [s.get_attribute("data-actor") for s in chrome.find_elements("css selector",
                "section.actor") if s.is_displayed()]  # fmt: skip

    assert "Donald Trump" in shown() and "Bill Clinton" in shown()
    chrome.find_element("css selector", "#actor option[value='Bill Clinton']").click()
    assert shown() == ["Bill Clinton"]
    chrome.find_element("css selector", "#actor option[value='']").click()
    chrome.find_element("id", "text").send_keys("ferry")
    assert shown() == ["Harbour Council"]
    chrome.find_element("id", "text").clear()
    chrome.execute_script("var s=document.getElementById('since'); s.value='2019-06-01';"
                          "s.dispatchEvent(new Event('input'));")  # fmt: skip
    assert "Bill Clinton" not in shown() and "Harbour Council" in shown()
    chrome.execute_script("var s=document.getElementById('since'); s.value='';"
                          "s.dispatchEvent(new Event('input'));")  # fmt: skip
    thread = chrome.find_element("css selector", "section[data-actor='Donald Trump'] details")
    thread.find_element("css selector", "summary").click()
    assert thread.find_element("css selector", ".ev").is_displayed()
    link = chrome.find_element("css selector", "a[href='a1.html']")
    link.click()
    assert "brief a1" in chrome.page_source


def names_merged(pledges: list[tuple[str, str]]) -> dict[str, set[str]]:
    """Actor name -> the names merged into it, for pledges (article id, actor name); an actor
    kept to its article is named with the article."""
    from newsbrief.track import Mention, resolve_actors

    mentions = [Mention(actor=name, commitment="c", condition=None, evidence="", article=aid,
                        date=None, date_from="order", order=n)
                for n, (aid, name) in enumerate(pledges)]  # fmt: skip
    actors = resolve_actors(mentions)
    return {(f"{a.name} [only {a.key.rsplit('[', 1)[1]}" if a.kind == "unresolved" else a.name):
            set(a.names) for a in actors.values()}  # fmt: skip


def test_accents_acronyms_appositives_and_compound_surnames_merge() -> None:
    merged = names_merged([
        ("a", "Zoë Ağca"), ("b", "Zoe Agca"),
        ("c", "the Northern Rail Authority (NRA"), ("d", "NRA"),
        ("e", "Ilse Brandt, a harbour pilot from Kiel"), ("f", "Ilse Brandt"),
        ("g", "Marta Ruiz Soler"), ("h", "Ruiz"), ("i", "Marta Ruiz"),
    ])  # fmt: skip
    assert merged["Zoë Ağca"] == {"Zoë Ağca", "Zoe Agca"}
    assert merged["Northern Rail Authority"] == {"the Northern Rail Authority (NRA", "NRA"}
    assert merged["Ilse Brandt"] == {"Ilse Brandt, a harbour pilot from Kiel", "Ilse Brandt"}
    assert merged["Marta Ruiz Soler"] == {"Marta Ruiz Soler", "Ruiz", "Marta Ruiz"}


def test_kinds_of_actor_groups_and_roles_stay_in_their_article() -> None:
    merged = names_merged([
        ("a", "Officials"), ("b", "Officials"), ("a", "The government"), ("b", "the government"),
        ("a", "Both sides"), ("b", "Both sides"), ("a", "Lakeland governor"), ("b", "Lakeland"),
        ("a", "40 Greens"), ("b", "Greens"),
    ])  # fmt: skip
    for article in "ab":
        assert merged[f"Officials [only {article}]"] == {"Officials"}
        assert f"government [only {article}]" in merged and f"Both sides [only {article}]" in merged
    assert merged["Lakeland"] == {"Lakeland"}, "a role is not the place it is named after"
    assert merged["Greens"] == {"Greens"} and {"40 Greens"} in merged.values()


def test_importing_the_tracker_loads_no_embedding_model() -> None:
    code = "import sys, newsbrief.track; print('LOADED', 'wordllama' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED False" in done.stdout


def test_each_mention_carries_its_spans(tmp_path: Path) -> None:
    grounded = record("g", [("Ana Novak", "repair the pier", "Ana Novak will repair the pier.")])
    grounded["meta"] = {"grounding": {"spans": [{"path": "pledges[0].evidence", "start": 40,
                                                 "end": 71, "alignment": "exact"}]}}  # fmt: skip
    document = api.track([str(write(tmp_path / "r.jsonl", [grounded, ARCHIVE[0]]))])
    novak = actor(document, "Ana Novak")["threads"][0]["mentions"][0]
    assert novak["span"] == {"start": 40, "end": 71}
    assert novak["commitment_span"] == {"start": 15, "end": 30}
    trump = actor(document, "Donald Trump")["threads"][0]["mentions"][0]
    assert trump["span"] is None, "no grounding in the record: no span made up"


def _one_thread(tmp_path: Path, who: str, said: list[tuple[str, str]]) -> dict[str, Any]:
    """The single thread of ``who`` over records of (date, sentence), one per article; the
    sentence is both the commitment and its evidence."""
    records = [record(f"s{n}", [(who, text, text)], date) for n, (date, text) in enumerate(said)]
    threads = actor(api.track([str(write(tmp_path / "r.jsonl", records))]), who)["threads"]
    assert len(threads) == 1, [t["latest"] for t in threads]
    return threads[0]


def test_the_size_of_a_step_is_not_a_changed_amount(tmp_path: Path) -> None:
    thread = _one_thread(tmp_path, "Bank of Lakeland", [
        ("2021-01-10", "lower the policy rate by 25 basis points to 2 percent"),
        ("2021-03-10", "keep the policy rate at 2 percent"),
        ("2021-05-10", "lower the policy rate by 25 basis points to 1.75 percent"),
    ])  # fmt: skip
    assert [m["changed"] for m in thread["mentions"]] == [[], [], ["amount"]]
    assert "1.75" in thread["changes"][0]["after"]


def test_a_term_left_unsaid_is_not_a_change_but_a_new_one_is(tmp_path: Path) -> None:
    thread = _one_thread(tmp_path, "Ana Novak", [
        ("2022-01-01", "repair the old pier by 2030"),
        ("2022-02-01", "repair the old pier"),
        ("2022-03-01", "repair the old pier by 2032"),
    ])  # fmt: skip
    assert [m["changed"] for m in thread["mentions"]] == [[], [], ["date"]]


def test_another_pledge_in_the_same_sentence_lends_no_terms(tmp_path: Path) -> None:
    def said(date: str, level: str, amount: str) -> dict[str, Any]:
        rate, buy = f"keep the main rate at {level}", f"buy {amount} of bonds each month"
        evidence = f"The Bank of Lakeland said it would {rate} and would {buy}."
        return record(date, [("Bank of Lakeland", rate, evidence),
                             ("Bank of Lakeland", buy, evidence)], date)  # fmt: skip

    path = write(
        tmp_path / "r.jsonl",
        [
            said("2023-01-10", "3 percent", "40 billion crowns"),
            said("2023-03-10", "3 percent", "25 billion crowns"),
        ],
    )
    threads = {t["latest"]: t for t in actor(api.track([str(path)]), "Bank of Lakeland")["threads"]}
    rate, buy = (
        threads["keep the main rate at 3 percent"],
        threads["buy 25 billion crowns of bonds each month"],
    )
    assert [m["changed"] for m in rate["mentions"]] == [[], []]  # the bonds' amount is not its
    assert [m["changed"] for m in buy["mentions"]] == [[], ["amount"]]


def test_an_article_with_several_mentions_does_not_push_the_earlier_wording_out(
    tmp_path: Path,
) -> None:
    """A thread is compared by its latest articles, not its latest few mentions: a later
    mention worded like the first article joins, though the article between them added four
    other wordings to the thread."""
    who = "Port Authority of Lakeland"
    records = [
        record("p1", [(who, "repair the harbour wall and dredge the channel", "p1")],
               "2023-01-01"),
        record("p2", [(who, c, "p2") for c in ("repair the harbour wall and dredge the channel",
                                               "repair the harbour wall with steel piles",
                                               "repair the harbour wall before winter storms",
                                               "repair the harbour wall using local labour")],
               "2023-02-01"),
        record("p3", [(who, "dredge the harbour channel", "p3")], "2023-03-01"),
    ]  # fmt: skip
    threads = actor(api.track([str(write(tmp_path / "r.jsonl", records))]), who)["threads"]
    assert [t["count"] for t in threads] == [6]


def test_a_central_banks_guidance_reworded_is_one_thread_flagged_changed(
    tmp_path: Path,
) -> None:
    thread = _one_thread(tmp_path, "Bank of Lakeland", [
        ("2024-01-20", "keep the policy rate exceptionally low for an extended period"),
        ("2024-04-20", "keep the policy rate exceptionally low at least through mid-2026"),
        ("2024-07-20", "keep the policy rate exceptionally low at least through late 2027"),
        ("2024-10-20", "keep the policy rate exceptionally low at least through late 2027"),
    ])  # fmt: skip
    assert [m["changed"] for m in thread["mentions"]] == [[], ["date"], ["date"], []]
    assert thread["changed"] and len(thread["changes"]) == 2


def test_two_programmes_of_one_actor_stay_two_threads(tmp_path: Path) -> None:
    who = "Bank of Lakeland"
    records = [
        record(f"b{n}", [(who, "buy government bonds at a pace of 10 billion a month", "e"),
                         (who, "lend to small banks through its term funding scheme", "e")],
               f"2025-0{n}-15")
        for n in range(1, 4)
    ]  # fmt: skip
    threads = actor(api.track([str(write(tmp_path / "r.jsonl", records))]), who)["threads"]
    assert sorted(t["count"] for t in threads) == [3, 3]
    assert all(len({m["commitment"] for m in t["mentions"]}) == 1 for t in threads)


def test_an_article_leaving_a_term_unsaid_does_not_hide_it_from_the_next(
    tmp_path: Path,
) -> None:
    thread = _one_thread(tmp_path, "Lakeland Transit", [
        ("2023-01-05", "cut bus fares by 10 percent"),
        ("2023-02-05", "cut bus fares"),
        ("2023-03-05", "cut bus fares by 10 percent"),
        ("2023-04-05", "cut bus fares by 15 percent"),
    ])  # fmt: skip
    assert [m["changed"] for m in thread["mentions"]] == [[], [], [], ["amount"]]
    assert len(thread["changes"]) == 1 and "15 percent" in thread["changes"][0]["after"]


def _threads(tmp_path: Path, who: str, said: list[tuple[str, list[str]]]) -> list[list[str]]:
    """The threads of ``who`` (each as its commitments, in time order) over records of (date,
    sentences), one per article; each sentence is both a commitment and its evidence."""
    records = [record(f"s{n}", [(who, text, text) for text in texts], date)
               for n, (date, texts) in enumerate(said)]  # fmt: skip
    threads = actor(api.track([str(write(tmp_path / "r.jsonl", records))]), who)["threads"]
    return sorted([m["commitment"] for m in t["mentions"]] for t in threads)


def test_a_shared_purpose_does_not_join_two_commitments(tmp_path: Path) -> None:
    """A purpose clause says why, not what: one purpose given for two commitments leaves them
    two threads, and a commitment restated with another purpose stays in its thread."""
    why = "To help small shops through the winter and to bring visitors back to the centre, "
    threads = _threads(tmp_path, "Lakeland Council", [
        ("2024-01-10", [why + "the council will halve parking charges in the town centre",
                        why + "the council will extend Sunday opening hours for market stalls"]),
        ("2024-03-10", [why + "the council will halve parking charges in the town centre",
                        why + "the council will extend Sunday opening hours for market stalls"]),
        ("2024-05-10", ["To ease traffic, the council will halve parking charges in the town "
                        "centre"]),
    ])  # fmt: skip
    assert sorted(len(t) for t in threads) == [2, 3], threads
    assert all(len({"parking" in c for c in t}) == 1 for t in threads)


def test_connectives_and_the_actors_own_name_do_not_decide_a_thread(tmp_path: Path) -> None:
    """ "In addition, ..." or "As previously announced, ..." and the actor naming itself ("the
    Port Authority will ...") say nothing of what is committed to."""
    threads = _threads(tmp_path, "Lakeland Port Authority", [
        ("2023-01-01", ["dredge the northern channel to twelve metres"]),
        ("2023-02-01", ["As previously announced, the Port Authority will dredge the northern "
                        "channel to twelve metres"]),
        ("2023-03-01", ["In addition, the Lakeland Port Authority will dredge the northern "
                        "channel to twelve metres"]),
    ])  # fmt: skip
    assert [len(t) for t in threads] == [3], threads


def test_a_condition_reworded_is_the_same_thread_flagged_as_a_changed_condition(
    tmp_path: Path,
) -> None:
    """A condition stated after the commitment is a term: masked when comparing, so the
    pledge stays one thread however its condition is worded, and compared as a term."""
    thread = _one_thread(tmp_path, "Lakeland Ferries", [
        ("2022-01-15", "keep the night ferry to Northport running until the new bridge opens"),
        ("2022-04-15", "keep the night ferry to Northport running until the new bridge opens"),
        ("2022-07-15", "keep the night ferry to Northport running as long as at least two "
                       "hundred passengers a night use it and the council pays half the fuel"),
    ])  # fmt: skip
    assert [m["changed"] for m in thread["mentions"]] == [[], [], ["condition"]]


def test_a_vague_duration_is_a_date_term_and_a_word_of_one_archive_is_not(
    tmp_path: Path,
) -> None:
    thread = _one_thread(tmp_path, "Bank of Lakeland", [
        ("2020-02-01", "hold the deposit rate at zero for some time"),
        ("2020-05-01", "hold the deposit rate at zero for the foreseeable future"),
        ("2020-08-01", "be patient and hold the deposit rate at zero"),
    ])  # fmt: skip
    assert [m["changed"] for m in thread["mentions"]] == [[], ["date"], []]


def test_a_date_said_another_way_is_the_same_date(tmp_path: Path) -> None:
    """Dates are compared as months where the wording names one, relative ones against the
    article's own date: "the end of this year" in a 2021 article is December 2021, and "the
    end of the second quarter of 2022" is June 2022."""
    thread = _one_thread(tmp_path, "Lakeland Roads Agency", [
        ("2021-03-01", "finish the eastern bypass by the end of this year"),
        ("2021-06-01", "finish the eastern bypass by December 2021"),
        ("2021-09-01", "finish the eastern bypass by the end of next year"),
        ("2022-01-10", "finish the eastern bypass by the end of 2022"),
        ("2022-02-10", "finish the eastern bypass by the end of the second quarter of 2023"),
        ("2022-05-10", "finish the eastern bypass by June 2023"),
        ("2023-04-10", "finish the eastern bypass by the end of this quarter"),
        ("2023-05-10", "finish the eastern bypass by the end of this month"),
    ])  # fmt: skip
    assert [m["changed"] for m in thread["mentions"]] == [
        [],
        [],
        ["date"],
        [],
        ["date"],
        [],
        [],
        ["date"],
    ]


def test_date_terms_without_an_article_date_stay_as_worded() -> None:
    assert date_terms("by the end of this year", None) == {"the end of this year"}
    assert date_terms("by the end of this year", "2019-04-02") == {"2019-12"}
    assert date_terms("through mid-2013, then late 2014", None) == {"mid 2013", "late 2014"}
    assert date_terms("for an extended period", None) == {"for an extended period"}
    assert date_terms("twice a year, for the year", "2019-04-02") == frozenset()


def test_an_actor_naming_itself_does_not_join_its_different_pledges(tmp_path: Path) -> None:
    who = "Lakeland Regional Transport Authority"
    threads = _threads(tmp_path, who, [
        ("2024-02-01", [f"The {who} will repaint the bus depot",
                        f"The {who} will sell the old ferry"]),
        ("2024-04-01", [f"The {who} will repaint the bus depot"]),
    ])  # fmt: skip
    assert sorted(len(t) for t in threads) == [1, 2], threads
