"""The HTML pages (issue 15): one brief beside its cleaned article, evidence highlighted and
linked both ways; a batch page with filters. Checked as HTML and in headless Chromium (a
screenshot and clicks)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsbrief import batch
from newsbrief.brief.grounding import locate
from newsbrief.cli import app
from newsbrief.html_view import batch_page, brief_page

from .conftest import NAMES, SUMMARY, FakeProvider

ROOT = Path(__file__).resolve().parents[1]
TEXT = (
    "The council approved the harbour bridge on Tuesday.\n\n"
    "The mayor said the city will finish the bridge by 2028. Residents oppose the new tolls, "
    "their association said.\n\n"
    "“It is a sound design,” said Ana Ruiz, an engineer at TU Delft."
)
CLEANED = {"title": "Bridge approved", "text": TEXT, "stats": {},
           "removed": [{"kind": "boilerplate", "text": "Subscribe to our newsletter",
                        "position": 0, "replacement": ""}]}  # fmt: skip
RESULT: dict[str, Any] = {
    "article": {"id": "bridge", "source": "bridge.html", "title": "Bridge approved",
                "author": "Lea Berg", "date": "2025-03-14"},
    "brief": {
        "summary": "The council approved the bridge.",
        "pledges": [{"actor": "The mayor", "commitment": "finish the bridge by 2028",
                     "condition": None,
                     "evidence": "The mayor said the city will finish the bridge by 2028."}],
        "positions": [{"actor": "Residents", "topic": "tolls", "stance": "opposes",
                       "statement": "Residents oppose the tolls.",
                       "evidence": "Residents oppose the new tolls, their association said"}],
        "quoted_experts": [{"name": "Ana Ruiz", "role": "engineer", "affiliation": "TU Delft",
                            "quotes": [{"text": "It is a sound design,", "kind": "direct"},
                                       {"text": "The design holds.", "kind": "indirect"}]}],
    },
    "meta": {"model": "openai:m", "prompt": "brief@3", "strategy": "whole", "latency_ms": 1500,
             "usage": {"prompt_tokens": 10, "completion_tokens": 5}, "attempts": 4,
             "grounding": {"checked": 4, "grounded": 4, "ungrounded": [],
                           "dropped": [{"part": "pledges", "text": "The mayor resigns.",
                                        "reason": "not in the article"}]},
             "cached": False},
}  # fmt: skip


def test_excerpts_are_found_as_grounding_finds_them() -> None:
    assert locate("The council approved the harbour bridge", TEXT) == (0, 39, "exact")
    start, end, alignment = locate('"it is a  sound design,"', TEXT) or (0, 0, "")
    assert alignment == "fuzzy"
    assert TEXT[start:end] == "It is a sound design"
    assert locate("Nobody said this.", TEXT) is None


def test_the_brief_page_marks_each_excerpt_and_links_both_ways() -> None:
    page = brief_page(RESULT, CLEANED)
    assert page.count("<mark ") == 3
    assert '<a class="ev" href="#ev-pledge-0">' in page and 'href="#pledge-0"' in page
    assert 'href="#ev-position-0"' in page and 'href="#position-0"' in page
    assert 'href="#ev-quote-0-0"' in page and 'href="#expert-0"' in page, "quote -> expert"
    assert "indirect</span>The design holds." in page
    assert "Dropped by grounding (1)" in page and "The mayor resigns." in page
    assert "What the cleaner removed (1)" in page and "Subscribe to our newsletter" in page
    assert "Lea Berg · 2025-03-14" in page and "10+5 tokens · 4 calls" in page
    assert "http" not in page.replace("http-equiv", ""), "self-contained: no network"


@pytest.fixture
def chrome() -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver")
    if shutil.which("chromedriver") is None:
        if os.environ.get("CI"):
            pytest.fail("chromium-driver is not installed, and CI must run this test")
        pytest.skip("chromium-driver is not installed (.ci/run installs it)")
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,900"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def _no_console_errors(driver: Any) -> None:
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []


def test_the_brief_page_in_chromium(chrome: Any, tmp_path: Path) -> None:
    page = tmp_path / "brief.html"
    page.write_text(brief_page(RESULT, CLEANED), encoding="utf-8")
    chrome.get(page.as_uri())
    _no_console_errors(chrome)
    brief, article = (chrome.find_element("id", i) for i in ("brief", "article"))
    assert brief.is_displayed() and article.is_displayed()
    assert brief.location["x"] < article.location["x"], "the brief beside the article"
    shot = tmp_path / "brief.png"
    assert chrome.save_screenshot(str(shot)) and shot.read_bytes()[:4] == b"\x89PNG"
    chrome.find_element("css selector", 'a[href="#ev-pledge-0"]').click()
    mark = chrome.find_element("id", "ev-pledge-0")
    assert "active" in mark.get_attribute("class") and mark.text.startswith("The mayor said")
    assert chrome.execute_script("return location.hash") == "#ev-pledge-0"
    chrome.find_element("css selector", "mark#ev-quote-0-0 + a.back").click()
    assert chrome.execute_script("return location.hash") == "#expert-0"
    assert "active" in chrome.find_element("id", "expert-0").get_attribute("class")
    removed = chrome.find_element("id", "removed")
    assert not chrome.find_element("css selector", "#removed li").is_displayed()
    removed.find_element("tag name", "summary").click()
    assert chrome.find_element("css selector", "#removed li").is_displayed()


def test_newsbrief_view_makes_a_filterable_batch_page(chrome: Any, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted((ROOT / "bench" / "corpus").glob("*.txt"))[:4]:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "empty.txt").write_text("")
    results = tmp_path / "results.jsonl"
    counts = batch.run([str(folder)], results, strategy="floor")
    assert (counts.done, counts.failed) == (4, 1)
    result = CliRunner().invoke(app, ["view", str(results)])
    assert result.exit_code == 0, result.output
    page = tmp_path / "results.html"
    assert "wrote" in result.stdout and page.is_file()
    chrome.get(page.as_uri())
    _no_console_errors(chrome)

    def shown() -> list[str]:
        cards = chrome.find_elements("css selector", ".card")
        return [c.find_element("tag name", "small").text for c in cards if c.is_displayed()]

    assert len(shown()) == 5
    assert chrome.find_element("id", "shown").text == "5 of 5 shown"
    shot = tmp_path / "batch.png"
    assert chrome.save_screenshot(str(shot)) and shot.read_bytes()[:4] == b"\x89PNG"
    status = chrome.find_element("id", "status")
    status.find_element("css selector", "option[value='failed']").click()
    assert shown() == ["(empty)"]
    status.find_element("css selector", "option[value='']").click()
    chrome.find_element("id", "q").send_keys("zzz-not-there")
    assert shown() == []
    chrome.find_element("id", "q").clear()
    chrome.execute_script("document.getElementById('q').dispatchEvent(new Event('input'))")
    field = chrome.find_element("id", "field")
    field.find_element("css selector", "option[value='experts']").click()
    with_experts = shown()
    assert 0 < len(with_experts) < 5 and "(empty)" not in with_experts


def test_batch_page_and_view_errors(tmp_path: Path) -> None:
    assert "0 articles, 0 ok, 0 failed" in batch_page([], "r.jsonl")
    result = CliRunner().invoke(app, ["view", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2 and "no such results file" in result.output


@pytest.mark.usefixtures("brief2_default")
def test_summarize_format_html_writes_the_page(
    fake_provider: FakeProvider, seed_path: Path, tmp_path: Path
) -> None:
    fake_provider.queue(SUMMARY, NAMES)
    out = tmp_path / "brief.html"
    result = CliRunner().invoke(
        app, ["summarize", str(seed_path), "-m", "fake:x", "-f", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "The article as the model saw it" in page
    assert SUMMARY["summary"] in page and "Belarus" in page and "What the cleaner removed" in page
