"""The PolNeAR yardstick: reading BRAT files, the corpus folder, fetching it from a clone, scoring.

The articles and annotations here are made up for the tests, in PolNeAR's layout and format.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from newsbrief.errors import InputError
from newsbrief.evals import polnear
from newsbrief.evals.polnear import Doc, Gold, Predicted, fetch, load, main, parse_ann, score

TEXT = (
    "The mayor said the road would close. “It is old,” the engineer said, “and unsafe.” "
    "Repairs were promised."
)
# Ranges of TEXT, by role; the engineer's quote is cut in two by the cue.
ANN = (
    "T1\tSource 0 9\tThe mayor\n"
    "T2\tCue 10 14\tsaid\n"
    "T3\tContent 15 35\tthe road would close\n"
    "T4\tAttribution 10 14\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    "T5\tSource 50 62\tthe engineer\n"
    "T6\tCue 63 67\tsaid\n"
    "T7\tContent 37 49;69 82\t“It is old,” “and unsafe.”\n"
    "T8\tAttribution 63 67\tsaid\n"
    "E2\tAttribution:T8 Cue:T6 Source:T5 Content:T7\n"
    "T9\tCue 96 104\tpromised\n"
    "T10\tContent 83 90\tRepairs\n"
    "T11\tAttribution-no-source 96 104\tpromised\n"
    "E3\tAttribution-no-source:T11 Content:T10 Cue:T9\n"
    "#1\tAnnotatorNotes T1\tthe city's mayor\n"
    "A1\tNegated E1\n"
    "E4\tOther:T2 Cue:T2 Content:T3\n"  # not an attribution
    "E5\tAttribution:T4 Source:T1\n"  # no cue nor content: skipped
)
GOLD = [
    Gold(((10, 14),), ((0, 9),), ((15, 35),)),
    Gold(((63, 67),), ((50, 62),), ((37, 49), (69, 82))),
    Gold(((96, 104),), (), ((83, 90),)),
]
# A second annotator of the same article, who saw one attribution only.
ANN_OTHER = (
    "T1\tSource 0 9\tThe mayor\n"
    "T2\tCue 10 14\tsaid\n"
    "T3\tContent 15 35\tthe road would close\n"
    "T4\tAttribution 10 14\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
)
SECOND_TEXT = "The ferry will stop in winter, the harbor office said."
SECOND_ANN = (
    "T1\tSource 31 48\tthe harbor office\n"
    "T2\tCue 49 53\tsaid\n"
    "T3\tContent 0 29\tThe ferry will stop in winter\n"
    "T4\tAttribution 49 53\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
)
FIRST_NAME = "daily_2016-05-01_road-to-close"
SECOND_NAME = "daily_2016-05-02_ferry-to-stop"


def slices(text: str, ranges: tuple[tuple[int, int], ...]) -> list[str]:
    return [text[start:end] for start, end in ranges]


def test_fixture_ranges_are_the_annotated_words() -> None:
    for line in (ANN + SECOND_ANN).splitlines():
        parts = line.split("\t")
        if parts[0].startswith("T"):
            ranges = polnear._ranges(parts[1].partition(" ")[2])
            text = TEXT if line in ANN.splitlines() else SECOND_TEXT
            assert " ".join(slices(text, ranges)) == parts[2]


# --- parse_ann ------------------------------------------------------------------------------------


def test_parse_ann_joins_the_roles_of_each_attribution() -> None:
    gold = parse_ann(ANN)
    assert gold == GOLD
    assert slices(TEXT, gold[0].source) == ["The mayor"]
    assert slices(TEXT, gold[0].cue) == ["said"]
    assert slices(TEXT, gold[0].content) == ["the road would close"]


def test_parse_ann_reads_a_discontinuous_content() -> None:
    (_, engineer, _) = parse_ann(ANN)
    assert engineer.content == ((37, 49), (69, 82))
    assert slices(TEXT, engineer.content) == ["“It is old,”", "“and unsafe.”"]


def test_parse_ann_keeps_an_attribution_without_a_source() -> None:
    sourceless = parse_ann(ANN)[2]
    assert sourceless.source == ()
    assert slices(TEXT, sourceless.cue) == ["promised"]
    assert slices(TEXT, sourceless.content) == ["Repairs"]


def test_parse_ann_of_the_literal_example() -> None:
    ann = (
        "T1\tSource 0 5\tsomeone\n"
        "T2\tCue 6 9\tsaid\n"
        "T3\tContent 10 20;25 30\ttwo pieces\n"
        "T4\tAttribution 6 9\tsaid\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    )
    assert parse_ann(ann) == [Gold(((6, 9),), ((0, 5),), ((10, 20), (25, 30)))]


def test_parse_ann_of_nothing() -> None:
    assert parse_ann("") == []
    assert parse_ann("T1\tCue 0 4\tsaid\n") == []  # spans without an event


# --- the corpus folder ----------------------------------------------------------------------------


def write_corpus(root: Path, splits: tuple[str, ...] = polnear.SPLITS) -> Path:
    """PolNeAR's layout under ``root``: two train articles, one with two annotators; the other
    splits empty but present, as in the real corpus."""
    for split in splits:
        (root / "data" / split / "text").mkdir(parents=True, exist_ok=True)
        (root / "data" / split / "attributions").mkdir(parents=True, exist_ok=True)
    train = root / "data" / "train"
    (train / "text" / f"{FIRST_NAME}.txt").write_text(TEXT, encoding="utf-8")
    (train / "text" / f"{SECOND_NAME}.txt").write_text(SECOND_TEXT, encoding="utf-8")
    # Written second-annotator first: load() must choose by name, not by creation order.
    (train / "attributions" / f"{FIRST_NAME}_ef2d.ann").write_text(ANN_OTHER, encoding="utf-8")
    (train / "attributions" / f"{FIRST_NAME}_4b22.ann").write_text(ANN, encoding="utf-8")
    (train / "attributions" / f"{SECOND_NAME}_d473.ann").write_text(SECOND_ANN, encoding="utf-8")
    for split in splits:  # git keeps no empty folder
        for part in ("text", "attributions"):
            (root / "data" / split / part / ".keep").touch()
    return root


def test_load_reads_each_article_once_with_the_first_annotator(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "polnear")
    docs = load("train", root)
    assert [doc.name for doc in docs] == [FIRST_NAME, SECOND_NAME]
    first, second = docs
    assert first.text == TEXT
    assert first.gold == GOLD  # the _4b22 file, not the _ef2d one
    assert second.text == SECOND_TEXT
    assert len(second.gold) == 1
    assert slices(SECOND_TEXT, second.gold[0].source) == ["the harbor office"]


def test_load_with_a_limit(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "polnear")
    assert [doc.name for doc in load("train", root, limit=1)] == [FIRST_NAME]


def test_load_reads_the_default_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBRIEF_ARTICLES_FROM", str(tmp_path / "external"))
    write_corpus(tmp_path / "external" / "polnear")
    assert polnear.default_dir() == tmp_path / "external" / "polnear"
    assert len(load("train")) == 2


def test_load_without_the_corpus_says_how_to_fetch_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBRIEF_ARTICLES_FROM", str(tmp_path / "nothing-here"))
    for root in (None, tmp_path / "missing"):
        with pytest.raises(InputError) as caught:
            load("dev", root)
        message = str(caught.value)
        assert "git clone" in message
        assert "polnear fetch" in message
        assert caught.value.exit_code == 2


def test_load_of_an_unknown_split(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "polnear")
    with pytest.raises(InputError) as caught:
        load("validation", root)
    assert "validation" in str(caught.value)
    assert "train" in str(caught.value)


def test_load_of_an_empty_split(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "polnear")
    with pytest.raises(InputError, match="no PolNeAR test articles"):
        load("test", root)


def test_load_of_annotations_without_their_text(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "polnear")
    (root / "data" / "train" / "text" / f"{SECOND_NAME}.txt").unlink()
    with pytest.raises(InputError, match=SECOND_NAME):
        load("train", root)


# --- fetch ----------------------------------------------------------------------------------------


def git(*args: str, cwd: Path | None = None) -> None:
    subprocess.run(
        [
            "git",
            "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
            "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
    )  # fmt: skip


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A git repository laid out like PolNeAR, with one commit (and a file fetch must skip)."""
    repo = write_corpus(tmp_path / "PolNeAR")
    (repo / "README.md").write_text("made-up corpus for tests\n", encoding="utf-8")
    git("init", "-q", str(repo))
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "corpus", cwd=repo)
    return repo


def assert_fetched(into: Path) -> None:
    for split in polnear.SPLITS:
        assert (into / "data" / split / "text").is_dir()
        assert (into / "data" / split / "attributions").is_dir()
    train = into / "data" / "train"
    assert (train / "text" / f"{FIRST_NAME}.txt").read_text(encoding="utf-8") == TEXT
    assert (train / "attributions" / f"{FIRST_NAME}_4b22.ann").read_text(encoding="utf-8") == ANN
    assert (train / "attributions" / f"{FIRST_NAME}_ef2d.ann").is_file()
    assert not (into / "README.md").exists()
    assert load("train", into)[0].gold == GOLD


@pytest.mark.parametrize("form", ["work tree", "git dir", "bare clone"])
def test_fetch_copies_the_corpus(clone: Path, tmp_path: Path, form: str) -> None:
    if form == "git dir":
        source = clone / ".git"
    elif form == "bare clone":
        source = tmp_path / "PolNeAR.git"
        git("clone", "-q", "--bare", str(clone), str(source))
    else:
        source = clone
    into = tmp_path / "fetched"
    assert fetch(source, into) == into
    assert_fetched(into)


def test_fetch_from_the_git_dir_takes_the_committed_files(clone: Path, tmp_path: Path) -> None:
    # A change not committed is in the work tree, not in HEAD: the git dir gives HEAD.
    (clone / "data" / "train" / "text" / f"{FIRST_NAME}.txt").write_text("changed", "utf-8")
    into = tmp_path / "fetched"
    fetch(clone / ".git", into)
    assert (into / "data" / "train" / "text" / f"{FIRST_NAME}.txt").read_text("utf-8") == TEXT


def test_fetch_into_the_default_folder(
    clone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBRIEF_ARTICLES_FROM", str(tmp_path / "external"))
    into = fetch(clone)
    assert into == tmp_path / "external" / "polnear"
    assert_fetched(into)


def test_fetch_from_a_folder_that_is_not_git(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(InputError) as caught:
        fetch(plain, tmp_path / "fetched")
    assert "not a PolNeAR clone" in str(caught.value)
    assert "git clone" in str(caught.value)


def test_fetch_from_a_git_repository_without_the_corpus(tmp_path: Path) -> None:
    repo = tmp_path / "other"
    repo.mkdir()
    (repo / "notes.txt").write_text("nothing to see\n", encoding="utf-8")
    git("init", "-q", str(repo))
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "notes", cwd=repo)
    with pytest.raises(InputError, match="not a PolNeAR clone"):
        fetch(repo, tmp_path / "fetched")


# --- main -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [[], ["fetch"], ["load", "x"], ["fetch", "a", "b", "c"]])
def test_main_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_main_fetch(clone: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    into = tmp_path / "fetched"
    assert main(["fetch", str(clone), str(into)]) == 0
    out = capsys.readouterr().out
    assert "2 train" in out and "0 dev" in out and "0 test" in out
    assert_fetched(into)


def test_main_fetch_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert main(["fetch", str(plain), str(tmp_path / "fetched")]) == 2
    assert "error:" in capsys.readouterr().err


# --- score ----------------------------------------------------------------------------------------


def docs() -> list[Doc]:
    return [Doc(FIRST_NAME, TEXT, parse_ann(ANN)), Doc(SECOND_NAME, SECOND_TEXT, [])]


def gold_predictor(text: str) -> list[Predicted]:
    for doc in docs():
        if doc.text == text:
            return [(g.cue, g.source, g.content) for g in doc.gold]
    raise AssertionError("unknown text")


def test_score_of_the_gold_itself_is_perfect() -> None:
    result = score(docs(), gold_predictor)
    assert result.articles == 2
    table = result.table()
    assert set(table) == {"cue", "source", "content"}
    for role, scores in table.items():
        assert scores["exact_f1"] == 1.0, role
        assert scores["overlap_f1"] == 1.0, role
    assert result.tallies["cue"].gold == 3
    assert result.tallies["source"].gold == 2  # the sourceless attribution has no source span


def test_score_of_nothing_is_zero() -> None:
    result = score(docs(), lambda text: [])
    for scores in result.table().values():
        assert all(value == 0.0 for value in scores.values())
    assert result.tallies["content"].gold == 3
    assert result.tallies["content"].predicted == 0


def test_score_of_a_half_overlapping_content() -> None:
    text = "The mayor said the road would close on Friday night."
    doc = Doc("one", text, [Gold(((10, 14),), ((0, 9),), ((15, 35),))])
    assert text[15:35] == "the road would close"
    assert text[24:45] == "would close on Friday"

    def predict(_: str) -> list[Predicted]:
        return [([(10, 14)], [(0, 9)], [(24, 45)])]

    table = score([doc], predict).table()
    assert table["content"]["exact_f1"] == 0.0
    assert 0.0 < table["content"]["overlap_f1"] < 1.0
    # two of the four predicted words are gold; two of the four gold words are predicted
    assert table["content"]["overlap_p"] == pytest.approx(0.5)
    assert table["content"]["overlap_r"] == pytest.approx(0.5)
    assert table["content"]["overlap_f1"] == pytest.approx(0.5)
    assert table["cue"]["exact_f1"] == table["source"]["exact_f1"] == 1.0


def test_score_ignores_quotation_marks_and_joins_pieces() -> None:
    engineer = parse_ann(ANN)[1]
    doc = Doc("one", TEXT, [engineer])

    def predict(_: str) -> list[Predicted]:
        # The quote's words without its marks and commas, in the same two pieces.
        return [(engineer.cue, engineer.source, [(38, 47), (70, 80)])]

    assert TEXT[38:47] == "It is old" and TEXT[70:80] == "and unsafe"
    table = score([doc], predict).table()
    assert table["content"]["exact_f1"] == 1.0


def test_score_counts_a_gold_span_once() -> None:
    text = "The mayor said the road would close."
    doc = Doc("one", text, [Gold(((10, 14),), ((0, 9),), ((15, 35),))])
    twice: Predicted = ([(10, 14)], [(0, 9)], [(15, 35)])
    tally = score([doc], lambda _: [twice, twice]).tallies["cue"]
    assert tally.predicted == 2
    assert tally.exact == 1  # one-to-one
