"""Fetch the articles of an external eval set from local clones of their source repositories.

Every external fixture's labels name the exact source of its article: repository, commit, path,
an optional record selector and the sha256 of the text. This script reads each one from a local
clone (a normal clone or a bare mirror; nothing is downloaded here), rebuilds the text byte for
byte, checks its sha256, and writes it to ``<into>/<id>.txt``, where ``newsbrief eval`` looks
for it (``--articles-from``, or the default folder this script writes to).

Selectors:
  (none)   the file's bytes at that commit, unchanged;
  row=N    CSV with a header and ``title`` and ``text`` columns: record N (0-based, header not
           counted; a record may span lines), written as title, a blank line, then text, both
           exactly as stored.

    python evals/external/fetch.py --set real --clone vanatteveldt/wikinews=~/src/wikinews \\
        --clone fomc/statements=~/src/statements [--into DIR]
    python evals/external/fetch.py --set real --search /work/.mirror     # owner+name/repo dirs

Exit status: 0 every article written and checked; 1 some could not be (each listed with why).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import subprocess
import sys
from pathlib import Path

from newsbrief.errors import InputError
from newsbrief.evals.dataset import ExternalSource, default_articles_dir, load_fixtures

HERE = Path(__file__).resolve().parent


def find_clone(repo: str, clones: dict[str, Path], search: list[Path]) -> Path | None:
    """The local clone of ``repo`` (owner/name): given with --clone, or found under --search as
    ``owner+name/repo``, ``owner+name``, ``owner/name`` or ``name``."""
    if repo in clones:
        return clones[repo]
    owner, name = repo.split("/", 1)
    for root in search:
        for candidate in (root / f"{owner}+{name}" / "repo", root / f"{owner}+{name}",
                          root / owner / name, root / name):  # fmt: skip
            if candidate.is_dir():
                return candidate
    return None


def git_blob(clone: Path, commit: str, path: str) -> bytes:
    done = subprocess.run(["git", "-C", str(clone), "show", f"{commit}:{path}"],
                          capture_output=True, check=False)  # fmt: skip
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise LookupError(reason[-1] if reason else f"git show failed in {clone}")
    return done.stdout


def article_text(blob: bytes, selector: str | None) -> bytes:
    """The article's bytes from the file's ``blob`` (see the selectors above)."""
    if not selector:
        return blob
    kind, _, value = selector.partition("=")
    if kind == "row" and value.isdigit():
        records = csv.DictReader(io.StringIO(blob.decode("utf-8"), newline=""))
        for index, record in enumerate(records):
            if index == int(value):
                return (record["title"] + "\n\n" + record["text"]).encode("utf-8")
        raise LookupError(f"the file has no record {value}")
    raise LookupError(f"unknown selector {selector!r} (known: row=N)")


def fetch_one(source: ExternalSource, clone: Path) -> bytes:
    data = article_text(git_blob(clone, source.commit, source.path), source.selector)
    digest = hashlib.sha256(data).hexdigest()
    if digest != source.sha256:
        raise LookupError(f"sha256 {digest[:12]}... is not the labelled {source.sha256[:12]}...")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--set", default="real", help="the set: evals/external/<set>/")
    parser.add_argument("--clone", action="append", default=[], metavar="OWNER/NAME=PATH",
                        help="a local clone of a source repository (repeatable)")
    parser.add_argument("--search", action="append", default=[], type=Path, metavar="DIR",
                        help="a folder holding clones (owner+name/repo, owner/name or name)")
    parser.add_argument("--into", type=Path, default=None,
                        help=f"where to write <id>.txt (default: {default_articles_dir()})")
    args = parser.parse_args(argv)

    clones: dict[str, Path] = {}
    for spec in args.clone:
        repo, sep, path = spec.partition("=")
        if not sep or "/" not in repo:
            parser.error(f"--clone {spec!r}: write it as OWNER/NAME=PATH")
        clones[repo] = Path(path).expanduser()
    root = HERE / args.set
    try:
        fixtures = load_fixtures([root], articles=False)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    into = args.into or default_articles_dir()
    into.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    written = 0
    for fixture in fixtures:
        source = fixture.labels.source
        if source is None:
            failed.append(f"{fixture.id}: not an external fixture (no source)")
            continue
        clone = find_clone(source.repo, clones, args.search)
        if clone is None:
            failed.append(f"{fixture.id}: no clone of {source.repo}; clone it and pass "
                          f"--clone {source.repo}=PATH (commit {source.commit})")  # fmt: skip
            continue
        try:
            data = fetch_one(source, clone)
        except (LookupError, UnicodeDecodeError, KeyError) as exc:
            failed.append(f"{fixture.id}: {source.repo}@{source.commit[:10]}:{source.path}: {exc}")
            continue
        (into / f"{fixture.id}.txt").write_bytes(data)
        written += 1
    print(f"{written} of {len(fixtures)} articles of set {args.set!r} written to {into}")
    for line in failed:
        print(f"  not fetched: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
