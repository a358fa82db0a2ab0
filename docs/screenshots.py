"""Make the README's screenshots of the HTML pages, in headless Chromium.

    python docs/screenshots.py RESULT.json    # RESULT: `newsbrief summarize seeds/000_... -f json`
    python docs/screenshots.py track RESULTS.jsonl   # docs/track.png: `newsbrief track` page
        (RESULTS: `newsbrief batch docs/track_example -o RESULTS.jsonl`)

docs/brief.png: the brief page of RESULT next to the cleaned seed article (cleaned again here:
the same cleaner gives the same text); docs/who.png: the same page with its "who said what" list
opened. docs/batch.png: `newsbrief view` over a floor batch of six
corpus articles and an empty file, filtered to the records with experts.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from selenium import webdriver

from newsbrief import api, attribution, batch
from newsbrief.html_view import batch_page, brief_page, read_results

ROOT = Path(__file__).resolve().parents[1]


def _chrome() -> webdriver.Chrome:
    """Headless Chromium at the screenshots' window size."""
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,860"):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    return webdriver.Chrome(options=options, service=service)


def track_shot(results: str) -> None:
    """docs/track.png: the tracker's page over RESULTS, the first actor's first thread open."""
    from newsbrief import api
    from newsbrief.track_view import brief_pages, track_page

    driver = _chrome()
    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "track.html"
        page.write_text(track_page(api.track([results]), brief_pages([results])), encoding="utf-8")
        try:
            driver.get(page.as_uri())
            shown = [d for d in driver.find_elements("css selector", "details.thread")
                     if d.is_displayed()]  # fmt: skip
            shown[0].find_element("css selector", "summary").click()
            driver.save_screenshot(str(ROOT / "docs" / "track.png"))
            print("wrote docs/track.png")
        finally:
            driver.quit()


def main() -> None:
    if sys.argv[1] == "track":
        track_shot(sys.argv[2])
        return
    result = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    _, cleaned = api.clean(str(ROOT / result["article"]["source"]))
    driver = _chrome()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "articles"
        folder.mkdir()
        for path in sorted((ROOT / "bench" / "corpus").glob("*.txt"))[:6]:
            shutil.copy(path, folder / path.name)
        (folder / "empty.txt").write_text("")
        results = Path(work) / "results.jsonl"
        batch.run([str(folder)], results, strategy="floor", cache=False, log=False)
        who = attribution.to_document(cleaned.text, attribution.attributions(cleaned.text))
        pages = {
            "brief": brief_page(result, cleaned.to_dict(), who),
            "who": brief_page(result, cleaned.to_dict(), who),
            "batch": batch_page(read_results(str(results)), "results.jsonl"),
        }
        try:
            for name, html in pages.items():
                page = Path(work) / f"{name}.html"
                page.write_text(html, encoding="utf-8")
                driver.get(page.as_uri())
                if name == "brief":
                    driver.find_element("css selector", 'a[href^="#ev-pledge-"]').click()
                    driver.execute_script("window.scrollTo(0, 0)")
                elif name == "who":
                    driver.find_element("css selector", "#attributions summary").click()
                    driver.execute_script(
                        "document.getElementById('attributions').scrollIntoView()"
                    )
                else:
                    field = driver.find_element("id", "field")
                    field.find_element("css selector", "option[value='experts']").click()
                driver.save_screenshot(str(ROOT / "docs" / f"{name}.png"))
                print(f"wrote docs/{name}.png")
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
