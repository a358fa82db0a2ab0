"""The scripts in bench/ check what their numbers rest on (bench/_valid.py).

Each one runs here in its tiny mode, so a bench that breaks, or that measures the wrong thing,
fails the build; the checks themselves are shown to stop a bench, with exit status 3 and a
message, on measurements that are not valid (a cache hit, unequal tokens, missing requests).
Nothing here looks at how long anything took.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
HELPERS = {"_valid.py", "latency_server.py"}  # not benchmarks: the checks and a test server

# Each bench, and a line that shows it printed its number.
TINY = {
    "attributions.py": r"newsbrief +cue \d\.\d{3}/\d\.\d{3} +source \d\.\d{3}/\d\.\d{3}",
    "batch.py": r"raw client: the same \d+ requests in [\d.]+ s = \d+ articles/s;  ratio \d+\.\d\d",
    "cache.py": r"cached summarize: median \d+ ms",
    "clean_adversarial.py": r"hex-dump +floor +0\.05 MB +[\d.]+ s +[\d.]+ s/MB +ok: \d+ pledges",
    "clean_boilerplate.py": r"--learn-boilerplate +chrome lines left +0 of \d+  body lines lost +0",
    "clean_glue.py": r"newsbrief rule +false splits on clean text +\d+   glued pairs split \d+/\d+",
    "clean_leftovers.py": r"generator C \(all kinds\): \d+ copies  word P \d\.\d{4}  R \d\.\d{4}",
    "clean_generators.py": r"generator B: \d+ copies  word P \d\.\d{4}  R \d\.\d{4}  F1 \d\.\d{4}",
    "clean_real.py": r"newsbrief clean +\d\.\d{4} +\d\.\d{4} +\d\.\d{4}",
    "clean_real_blocks.py": r"lede +\d+ +\d+ +\d+ +\d+",
    "clean_speed.py": r"0\.20 MB +[\d.]+ s +[\d.]+ MB/s",
    "clean_quality.py": r"word precision \d\.\d{4}  recall \d\.\d{4}  F1 \d\.\d{4}",
    "engines.py": r"ray/threads articles/s: \d+\.\d\d",
    "eval_scoring.py": r"scored 20 outputs x \d+ scorers in [\d.]+ s",
    "fault_tolerance.py": r"time ratio faulty/no-fault: \d+\.\d\d",
    "model_choice.py": r"positions: \d+ of \d+ candidates match gold; model AUC \d\.\d{3}",
    "long_article.py": r"pieces: \d+; summary asked \d+ times",
    "pledges_dev.py": r"floor pledges on 3 articles \(3 labelled\): P \d\.\d{3} R \d\.\d{3}",
    "reach.py": r"pledges reachable: \d+ of \d+ gold \(recall \d\.\d{3}\)",
    "summarize_local.py": r"overhead ratio newsbrief/raw: median \d+\.\d{3}",
    "track.py": r"2000 records, \d+ pledges: [\d.]+ s, peak RSS \d+ MB",
    "warc.py": r"libraries, \d+ records: fastwarc [\d,]+ records/s  warcio [\d,]+ records/s",
}
SLOW = {"long_article.py", "summarize_local.py", "model_choice.py"}  # they run the embedded model


def test_every_bench_has_a_tiny_run() -> None:
    scripts = {path.name for path in BENCH.glob("*.py")} - HELPERS
    assert scripts == set(TINY)


@pytest.mark.parametrize(
    "script",
    [pytest.param(name, marks=[pytest.mark.slow] if name in SLOW else []) for name in TINY],
)
def test_bench_runs_valid_in_tiny_mode(script: str, tmp_path: Path) -> None:
    # TMPDIR: work files a bench keeps (batch.py) land in this test's folder.
    env = {**os.environ, "NEWSBRIEF_HOME": str(tmp_path / "home"), "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--tiny"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "invalid measurement" not in done.stderr
    assert re.search(TINY[script], done.stdout), done.stdout


# --- the checks stop a bench on a measurement that is not valid ---------------------------------


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Import a bench script as a module (its checks are plain functions)."""
    monkeypatch.syspath_prepend(str(BENCH))

    def load(name: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look it up there
        spec.loader.exec_module(module)
        return module

    return load


def invalid(capsys: pytest.CaptureFixture[str], check: Any, *args: Any, **kwargs: Any) -> str:
    """Run ``check``; it must exit with status 3. Returns what it printed on stderr."""
    with pytest.raises(SystemExit) as stopped:
        check(*args, **kwargs)
    assert stopped.value.code == 3
    return capsys.readouterr().err


def test_require_exits_3_with_the_message_in_a_real_process() -> None:
    code = "import _valid; _valid.require(1 + 1 == 3, 'arithmetic is off'); print('went on')"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=BENCH, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3
    assert done.stderr == "invalid measurement: arithmetic is off\n"
    assert done.stdout == ""


def test_checks_report_every_failure_and_pass_when_all_hold(
    bench: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    valid = bench("_valid")
    checks = valid.Checks()
    checks.that(True, "not reported")
    checks.equal(2, 2, "not reported either")
    checks.verify()  # all hold: returns
    checks.that(False, "first problem")
    checks.equal(3, 4, "calls")
    err = invalid(capsys, checks.verify)
    assert err.splitlines() == [
        "invalid measurement: first problem",
        "invalid measurement: calls: got 3, expected 4",
    ]


def _llama_runs(module: ModuleType) -> tuple[list[dict[str, Any]], list[Any]]:
    requests = [{"messages": [{"role": "user", "content": q}], "max_tokens": 9} for q in "ab"]
    Run = module.Run
    runs = [
        Run("cold", 3.0, (120, 30), list(requests), 2),
        Run("raw", 2.0, (120, 30), list(requests), 2),
        Run("newsbrief", 2.1, (120, 30), list(requests), 2),
    ]
    return requests, runs


def test_summarize_local_accepts_a_valid_comparison(bench: Any) -> None:
    module = bench("summarize_local")
    requests, runs = _llama_runs(module)
    module.check_runs(requests, runs)  # returns: nothing to report


def test_summarize_local_stops_on_a_cache_hit(
    bench: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bug this check was written for: the newsbrief side answered from the result cache,
    with no llama call and no token, so the script printed an overhead ratio of 0.000."""
    module = bench("summarize_local")
    requests, runs = _llama_runs(module)
    runs[2] = module.Run("newsbrief", 0.01, (0, 0), [], 0, cached=True)
    err = invalid(capsys, module.check_runs, requests, runs)
    assert "invalid measurement: newsbrief run 2 was answered from the result cache" in err
    assert "invalid measurement: llama calls in newsbrief run 2: got 0, expected 2" in err
    assert (
        "invalid measurement: tokens (prompt, completion) of newsbrief run 2 vs the raw side: "
        "got (0, 0), expected (120, 30)" in err
    )


def test_summarize_local_stops_on_unequal_tokens(
    bench: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    module = bench("summarize_local")
    requests, runs = _llama_runs(module)
    runs[2].tokens = (120, 41)  # the same calls, but newsbrief's replies ran longer
    err = invalid(capsys, module.check_runs, requests, runs)
    assert err == (
        "invalid measurement: tokens (prompt, completion) of newsbrief run 2 vs the raw side: "
        "got (120, 41), expected (120, 30)\n"
    )


def test_batch_stops_when_the_raw_side_sent_fewer_requests(
    bench: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    module = bench("batch")
    ours = [{"messages": [{"role": "user", "content": f"article {n}"}]} for n in range(3)]
    module.check_replay(ours, list(reversed(ours)))  # the same bodies in another order: valid
    err = invalid(capsys, module.check_replay, ours, ours[:2])
    assert "invalid measurement: requests of the raw client vs newsbrief's: got 2, expected 3" in (
        err
    )
    assert "invalid measurement: the raw client sent other request bodies than newsbrief" in err


def test_batch_stops_on_cached_records_in_a_measured_run(
    bench: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    module = bench("batch")
    measured = module.Measured(seconds=1.0, requests=12, records=4, ok=4, cached=1, failures={})
    err = invalid(capsys, module.check_run, measured, 4, cached=False, served=12)
    assert err == "invalid measurement: records served from the cache: got 1, expected 0\n"
    err = invalid(capsys, module.check_run, measured, 5, cached=False, served=10)
    assert "invalid measurement: records written: got 4, expected 5" in err
    assert "invalid measurement: requests the server received vs the records' count" in err


def test_fault_tolerance_stops_when_no_fault_was_injected(
    bench: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    module = bench("fault_tolerance")
    clean = module.Side(attempts=[4, 4], tokens=480, requests=8)
    faulty = module.Side(attempts=[4, 4], tokens=480, requests=8)
    err = invalid(capsys, module.check_sides, clean, faulty, 2, 0.3)
    assert err == "invalid measurement: no fault was injected on the faulty side\n"
    faulty = module.Side(attempts=[5, 6], tokens=480, requests=11, faults=3)
    module.check_sides(clean, faulty, 2, 0.3)  # three faults, three more attempts: valid


def test_cache_bench_stops_when_a_timed_run_was_not_cached(
    bench: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    module = bench("cache")
    brief = {"summary": "x"}
    first = {"brief": brief, "meta": {"cached": False, "attempts": 3, "usage": {"p": 9}}}
    hit = {"brief": brief, "meta": {"cached": True, "attempts": 3, "usage": {"p": 9}}}
    module.check_runs(first, [hit, hit], 2, served=3)
    err = invalid(capsys, module.check_runs, first, [hit, first], 2, served=6)
    assert "invalid measurement: cached run 1 was not served from the cache" in err
    assert "invalid measurement: requests the server saw (all from the first run)" in err


def test_long_article_stops_when_the_article_fit(
    bench: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    module = bench("long_article")
    meta = {"cached": False, "pieces": 1, "attempts": 2, "usage": {"prompt_tokens": 900}}
    calls = [{"task": task, "attempts": 1, "prompt_tokens": 450}
             for task in ("summary", "quoted_experts")]  # fmt: skip
    err = invalid(capsys, module.check_result, meta, calls)
    assert "invalid measurement: the article fit the window: 1 piece" in err


def test_real_page_words_count_unspaced_scripts_by_character(bench: Any) -> None:
    """Chinese and Japanese are written without spaces: a space one side puts around a run of
    Latin letters changes no word, where as whitespace tokens it lost the whole clause."""
    module = bench("clean_real")
    page = "今日は新しいアプリMapleNotesを試した。その後、駅へ行った。"
    spaced = "今日は新しいアプリ MapleNotes を試した。その後、駅へ行った。"
    assert module.words(page) == module.words(spaced)
    assert module.words("駅へ") == ["駅", "へ"]
    score = module.word_score(page, spaced)
    assert (score.fp, score.fn) == (0, 0)
    # Text really lost costs its characters: 10 of the 25.
    assert module.word_score(page.replace("その後、駅へ行った。", ""), spaced).recall == 15 / 25
    # Text in other scripts is counted by whitespace, as before; Korean puts spaces between
    # its words, so a Hangul word stays one token.
    latin = "The  council met\non Tuesday. Rates rose 0.25%\u3000today."
    assert module.words(latin) == latin.split()
    assert module.words("시의회는 화요일에 만났다") == ["시의회는", "화요일에", "만났다"]
