"""Benchmark: WARC reading with FastWARC (what newsbrief uses), with warcio, and with the
hand-written reader FastWARC replaced (issue 25), on the same files, side by side.

1. Libraries: every record of each WARC through FastWARC and through warcio, as (type, target
   URI, record id, payload length after chunked and content decoding); records/s for each.
2. Readers: newsbrief's WARC reader (``ingest.warc.read_warc``, FastWARC underneath) and the
   hand-written one of commit 67a87ea (loaded from git, never copied here); items/s for each.
3. Hostile inputs, the kinds tests/test_readers_hardening.py covers (a bad Content-Length, junk
   between records, a bad chunk size, a record or a gzip stream cut short, an HTTP body shorter
   than it says, a gzip body cut short, a 200 KB header, non-HTTP records): what each side gives.

Before printing speeds it checks, for every file, that both libraries saw the same records
(count, types, URIs, record ids) and the same HTML pages (target URI and SHA-256 of the payload),
that both readers gave the same items, and that each reader's articles are exactly the
libraries' HTML pages; otherwise it exits 3 (bench/_valid.py). Payload lengths on which the
libraries disagree are counted and printed, not hidden. Times are CPU times (best of
``--rounds``, sides alternating), so other work on a shared machine does not count.

    python bench/warc.py --warcs DIR [--rounds 5] [--seconds 0.5]
    python bench/warc.py --tiny      # a WARC generated here instead of real ones: checks the bench

Real WARCs are read from a folder outside the repository (never committed), e.g. the test data
of chatnoir-eu/chatnoir-resiliparse (tests/data/warcfile.warc(.gz), a Common Crawl sample) and
webrecorder/warcio (test/data/example.warc.gz, example-iana.org-chunked.warc); files whose
name holds ``hostile`` or ``quirk`` go to section 3 instead of being compared.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from _valid import Checks, require

from newsbrief.ingest.warc import read_warc

ROOT = Path(__file__).resolve().parents[1]
HANDWRITTEN_AT = "67a87ea8ef121b790212c3a53b99d183431089f3"  # the last commit with ingest.py

Record = tuple[str, str, str, int]  # type, target URI, record id, payload length
Page = tuple[str, str]  # target URI, SHA-256 of the payload


def handwritten_reader() -> Callable[[Path], Iterator[Any]]:
    """The WARC reader of the single-module ``ingest.py``, loaded from git history."""
    done = subprocess.run(
        ["git", "show", f"{HANDWRITTEN_AT}:src/newsbrief/ingest.py"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    require(done.returncode == 0, f"cannot load the hand-written reader from git: {done.stderr}")
    spec = importlib.util.spec_from_loader("newsbrief._handwritten_ingest", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "newsbrief"  # its relative imports (errors, outside) resolve there
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    exec(compile(done.stdout, "ingest.py@" + HANDWRITTEN_AT[:7], "exec"), module.__dict__)
    return module._warc  # type: ignore[no-any-return]


# --- the libraries -------------------------------------------------------------------------


def _is_html_200(status: int | None, content_type: str | None) -> bool:
    return status == 200 and "html" in (content_type or "").lower()


def fastwarc_records(path: Path, pages: list[Page] | None = None) -> list[Record]:
    from fastwarc.warc import ArchiveIterator

    out = []
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle, auto_decode="all", strict_mode=False):
            payload = record.reader.read()
            uri = record.headers.get("WARC-Target-URI") or ""
            out.append((str(record.record_type), uri, record.record_id or "", len(payload)))
            http = record.http_headers if record.is_http_parsed else None
            page = pages is not None and http is not None and out[-1][0] == "response"
            if page and _is_html_200(http.status_code, http.get("Content-Type")):
                pages.append((uri, hashlib.sha256(payload).hexdigest()))
    return out


def warcio_records(path: Path, pages: list[Page] | None = None) -> list[Record]:
    from warcio.archiveiterator import ArchiveIterator

    out = []
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            payload = record.content_stream().read()
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            rid = record.rec_headers.get_header("WARC-Record-ID") or ""
            out.append((record.rec_type, uri, rid, len(payload)))
            http = record.http_headers
            if pages is not None and http is not None and record.rec_type == "response":
                status = int(http.get_statuscode() or 0)
                if _is_html_200(status, http.get_header("Content-Type")):
                    pages.append((uri, hashlib.sha256(payload).hexdigest()))
    return out


# --- the readers ---------------------------------------------------------------------------


def _failed(item: Any) -> bool:
    """An Unreadable of either reader (the hand-written one has its own classes)."""
    return hasattr(item, "error")


def items_of(read: Callable[[Path], Iterator[Any]], path: Path) -> list[tuple[str, str, str]]:
    """(id, data SHA-256 or "failed: <message>", source) of each item a reader yields."""
    out = []
    for item in read(path):
        failed = _failed(item)
        what = f"failed: {item.error}" if failed else item.data_sha256
        out.append((item.id, what, item.source))
    return out


def check_file(path: Path, handwritten: Callable[[Path], Iterator[Any]], checks: Checks) -> int:
    """Check one WARC on every side; returns how many payload lengths the libraries disagree on."""
    fast_pages: list[Page] = []
    slow_pages: list[Page] = []
    fast, slow = fastwarc_records(path, fast_pages), warcio_records(path, slow_pages)
    checks.equal(len(fast), len(slow), f"{path.name}: records FastWARC vs warcio")
    checks.equal([r[:3] for r in fast], [r[:3] for r in slow],
                 f"{path.name}: types, URIs and ids FastWARC vs warcio")  # fmt: skip
    checks.equal(fast_pages, slow_pages, f"{path.name}: HTML pages FastWARC vs warcio")
    new, old = items_of(read_warc, path), items_of(handwritten, path)
    checks.equal(new, old, f"{path.name}: items of newsbrief's reader vs the hand-written one")
    articles = sorted((i[0], i[1]) for i in new if not i[1].startswith("failed"))
    checks.equal(articles, sorted(fast_pages), f"{path.name}: articles vs the HTML pages")
    return sum(a[3] != b[3] for a, b in zip(fast, slow, strict=False))


# --- timing --------------------------------------------------------------------------------


def best_rate(sides: dict[str, Callable[[Path], list[Any]]], files: list[Path], rounds: int,
              seconds: float) -> dict[str, tuple[float, int]]:  # fmt: skip
    """Items per CPU second of each side over all ``files``, the best of ``rounds`` (the sides
    take turns within each round); each timed pass repeats the files for about ``seconds``."""
    counts = {name: sum(len(read(f)) for f in files) for name, read in sides.items()}
    repeats = {}
    for name, read in sides.items():
        started = time.process_time()
        for f in files:
            read(f)
        repeats[name] = max(1, round(seconds / max(time.process_time() - started, 1e-6)))
    best = dict.fromkeys(sides, 0.0)
    for _ in range(rounds):
        for name, read in sides.items():
            started = time.process_time()
            for _ in range(repeats[name]):
                for f in files:
                    read(f)
            spent = max(time.process_time() - started, 1e-9)
            best[name] = max(best[name], counts[name] * repeats[name] / spent)
    return {name: (best[name], counts[name]) for name in sides}


# --- hostile inputs ------------------------------------------------------------------------

HTML = b"<!doctype html><html><body><article><p>The council approved the budget.</p></article>"


def http(body: bytes, *, chunked: bool = False, coding: str = "", length: int | None = None
         ) -> bytes:  # fmt: skip
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    if coding:
        head += b"Content-Encoding: %s\r\n" % coding.encode()
    if chunked:
        half = len(body) // 2
        body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (body[:half], body[half:]))
        return head + b"Transfer-Encoding: chunked\r\n\r\n" + body + b"0\r\n\r\n"
    return head + b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body


RESPONSE = "application/http; msgtype=response"


def warc(
    uri: str,
    payload: bytes,
    *,
    kind: str = "response",
    length: str | None = None,
    extra: str = "",
    content_type: str = RESPONSE,
) -> bytes:
    digest = hashlib.sha1(uri.encode() + payload).hexdigest()
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n{extra}"
        f"WARC-Date: 2026-12-06T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{digest[:32]}>\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(payload) if length is None else length}\r\n\r\n"
    )
    return head.encode() + payload + b"\r\n\r\n"


def page(n: int) -> bytes:
    return HTML + b"<p>Story %d.</p></body></html>" % n


def hostile_cases() -> dict[str, tuple[str, bytes]]:
    """name -> (file suffix, bytes): one damage each, between well-formed records 1 and 3
    (after record 1 when the file is cut)."""
    a1, a3 = warc("https://a.example/1", http(page(1))), warc("https://a.example/3", http(page(3)))
    gz = gzip.compress(page(2))
    cases = {
        "bad Content-Length": warc("https://a.example/2", http(page(2)), length="abc"),
        "junk between records": b"\x00\x01 not a record \xff\r\n\r\n",
        "bad chunk size": warc("https://a.example/2", http(page(2), chunked=True).replace(
            b"\r\n\r\n", b"\r\n\r\nzz", 1)),
        "HTTP body short": warc("https://a.example/2", http(page(2), length=5000)),
        "gzip body cut": warc("https://a.example/2",
                              http(gz[:-12], coding="gzip", length=len(gz) - 12)),
        "200 KB header": warc("https://a.example/2", http(page(2)),
                              extra=f"X-Big: {'x' * 200_000}\r\n"),
        "non-HTTP records": warc("https://a.example/info", b"software: x\r\n", kind="warcinfo",
                                 content_type="application/warc-fields")
        + warc("https://a.example/r", page(2), kind="resource", content_type="text/html"),
        "chunked + gzip (good)": warc("https://a.example/2", http(gz, chunked=True, coding="gzip")),
        "deflate body (good)": warc("https://a.example/2", http(zlib.compress(page(2)),
                                                                coding="deflate")),
    }  # fmt: skip
    out = {name: (".warc", a1 + bad + a3) for name, bad in cases.items()}
    cut = a1 + warc("https://a.example/2", http(page(2) * 20))
    out["record cut short"] = (".warc", cut[:-300])
    out["gzip stream cut"] = (".warc.gz", gzip.compress(cut)[:-40])
    return out


def library_view(read: Callable[[Path], list[Record]], path: Path) -> str:
    try:
        records = read(path)
    except Exception as exc:  # what the library alone does with the damage is the point
        return f"stops: {type(exc).__name__}: {str(exc)[:60]}"
    return ", ".join(f"{_short(r[1]) or r[0]} {r[3]} B" for r in records)


def reader_view(read: Callable[[Path], Iterator[Any]], path: Path) -> str:
    try:
        items = list(read(path))
    except Exception as exc:
        return f"raises {type(exc).__name__}: {str(exc)[:60]}"
    ok = [_short(i.id) for i in items if not _failed(i)]
    bad = [f"{_short(i.id)} ({_why(i)})" for i in items if _failed(i)]
    return f"ok {','.join(ok) or '-'}; failed {', '.join(bad) or '-'}"


def _short(uri: str) -> str:
    """The last part of a target URI's path (its host for a site's home page)."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _why(item: Any) -> str:
    text = str(item.error).split("; ")[0]
    return text.split(" ", 1)[-1][:48]


def show_hostile(folder: Path, handwritten: Callable[[Path], Iterator[Any]], checks: Checks,
                 real: list[Path]) -> None:  # fmt: skip
    sides: list[tuple[str, Callable[[Path], str]]] = [
        ("newsbrief", lambda p: reader_view(read_warc, p)),
        ("hand-written", lambda p: reader_view(handwritten, p)),
        ("FastWARC alone", lambda p: library_view(fastwarc_records, p)),
        ("warcio alone", lambda p: library_view(warcio_records, p)),
    ]
    files = []
    for name, (suffix, data) in hostile_cases().items():
        path = folder / f"hostile-{len(files)}{suffix}"
        path.write_bytes(data)
        files.append((name, path))
    files += [(path.name, path) for path in real]
    print("\nhostile inputs (ids: the last part of the target URI):")
    for name, path in files:
        print(f"  {name}")
        for side, view in sides:
            print(f"    {side:<15} {view(path)}")
        if path.parent == folder:  # a generated case: newsbrief keeps every well-formed record
            got = reader_view(read_warc, path).split(";")[0]
            whole = ["1"] if "cut" in name and "body" not in name else ["1", "3"]
            checks.that(all(n in got[3:].split(",") for n in whole),
                        f"{name}: newsbrief lost a well-formed record: {got}")  # fmt: skip


# --- the run -------------------------------------------------------------------------------


def generated_warcs(folder: Path) -> list[Path]:
    """A small crawl, as crawlers write it: warcinfo, then request, response and metadata per
    page, some pages chunked, some gzip-encoded, one gzip member per record (and uncompressed).
    (No deflate page: the hand-written reader decoded gzip only; see the hostile cases.)"""
    records = [warc("", b"software: bench\r\n", kind="warcinfo",
                    content_type="application/warc-fields")]  # fmt: skip
    for n in range(40):
        uri = f"https://news.example/{n}"
        body = page(n) * (1 + n % 7)
        payload = http(gzip.compress(body), coding="gzip") if n % 5 == 0 else http(
            body, chunked=n % 3 == 0)  # fmt: skip
        records += [
            warc(uri, b"GET /%d HTTP/1.1\r\n\r\n" % n, kind="request",
                 content_type="application/http; msgtype=request"),
            warc(uri, payload),
            warc(uri, b"fetchTimeMs: 12\r\n", kind="metadata",
                 content_type="application/warc-fields"),
        ]  # fmt: skip
    plain, packed = folder / "generated.warc", folder / "generated.warc.gz"
    plain.write_bytes(b"".join(records))
    packed.write_bytes(b"".join(gzip.compress(r) for r in records))
    return [packed, plain]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warcs", type=Path, help="folder of real *.warc / *.warc.gz files")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.5, help="per timed pass")
    parser.add_argument("--tiny", action="store_true", help="a generated WARC, one short round")
    args = parser.parse_args(argv)
    require(args.tiny or args.warcs is not None, "pass --warcs DIR (real WARCs) or --tiny")
    handwritten = handwritten_reader()
    checks = Checks()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        found = [] if args.tiny else sorted(args.warcs.glob("*.warc*"))
        odd = [p for p in found if "hostile" in p.name or "quirk" in p.name]
        files = generated_warcs(work) if args.tiny else [p for p in found if p not in odd]
        require(bool(files), f"no *.warc or *.warc.gz file in {args.warcs}")
        differ = sum(check_file(path, handwritten, checks) for path in files)
        checks.verify()
        rounds, seconds = (1, 0.05) if args.tiny else (args.rounds, args.seconds)
        print(f"{len(files)} WARC files: {', '.join(p.name for p in files)}")
        libraries = best_rate({"fastwarc": fastwarc_records, "warcio": warcio_records},
                              files, rounds, seconds)  # fmt: skip
        readers = best_rate({"newsbrief": lambda p: list(read_warc(p)),
                             "hand-written": lambda p: list(handwritten(p))},
                            files, rounds, seconds)  # fmt: skip
        (fast, records), (slow, _) = libraries["fastwarc"], libraries["warcio"]
        print(f"libraries, {records} records: fastwarc {fast:,.0f} records/s  warcio "
              f"{slow:,.0f} records/s  ratio {fast / slow:.2f}")  # fmt: skip
        print(f"  payload lengths the libraries disagree on: {differ} of {records}")
        (new, items), (old, _) = readers["newsbrief"], readers["hand-written"]
        print(f"readers, {items} items: newsbrief (fastwarc) {new:,.0f} items/s  hand-written "
              f"{old:,.0f} items/s  ratio {new / old:.2f}")  # fmt: skip
        show_hostile(work, handwritten, checks, odd)
    checks.verify()


if __name__ == "__main__":
    main()
