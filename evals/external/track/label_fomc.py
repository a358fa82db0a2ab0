"""Write fomc.json: our labels of the pledge threads in the FOMC statements of 2008-2016.

How the labels were made (by us, from reading the statements; no statement text is stored):
each statement is cut into sentences; a sentence is a pledge of the Committee when it states a
commitment or a decision (will, decided, intends, anticipates, is maintaining, stands ready ...)
and is not a dissenting member's view. Each pledge is put in one of seven threads we defined
after reading every statement of the period (the rules below encode those reading decisions),
and given its *terms* in our own short words (the level, horizon, amount or condition it
states). A pledge is *changed* when its terms differ from the previous pledge of its thread.
Only offsets, thread ids and our paraphrased terms are written.

    python evals/external/track/label_fomc.py --clone /work/.mirror/fomc+statements/repo
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO, COMMIT = "fomc/statements", "5b4df02e8952"

THREADS = {
    "rate_target": "the decided target (range) for the federal funds rate",
    "rate_guidance": "how long the funds rate stays exceptionally low",
    "rate_after_goals": "the funds rate below its normal level even after the goals are near",
    "liftoff": "when the first rate increase will come",
    "rate_assess": "what the Committee will weigh in setting the rate path",
    "purchases": "the amounts and pace of the asset purchase programme",
    "purchase_review": "how and on what condition the purchases are reviewed or continued",
    "reinvest": "reinvesting principal payments and rolling over maturing securities",
    "maturity": "the maturity extension programme",
}
_DISSENT = re.compile(r"\b(who|he|she) (would have |had )?"
                      r"(preferred|believed|does not|did not|opposed)"
                      r"|^Voting against|\bdid not believe\b|\bdissent", re.I)  # fmt: skip
_CUE = re.compile(r"\b(will|decided|intends|anticipates?|expects|is maintaining|maintaining its"
                  r"|stands ready|is prepared|agreed|reaffirmed|continues to purchase"
                  r"|is in the process of purchasing|has been purchasing)\b", re.I)  # fmt: skip
_FFR = re.compile(r"federal funds rate", re.I)


def sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for found in re.finditer(r"\.(?=\s+[A-Z(]|\s*$)", text):
        piece = text[start : found.end()]
        spans.append((start + len(piece) - len(piece.lstrip()), found.end()))
        start = found.end()
    return spans


def thread_of(flat: str) -> str | None:
    if _DISSENT.search(flat) or not _CUE.search(flat):
        return None
    if re.search(r"^In determining (how long|the timing|whether)", flat):
        return "rate_assess"
    if re.search(r"appropriate to raise the target range|increases? in the target range .*"
                 r"(sooner|later)|remains unlikely at the", flat, re.I):  # fmt: skip
        return "liftoff"
    if _FFR.search(flat) and re.search(r"even after employment|gradual increases", flat):
        return "rate_after_goals"
    if _FFR.search(flat) and re.search(
        r"extended period|for some time|at least through|as long"
        r" as|considerable time|patient|gradual increases",
        flat,
    ):
        return "rate_guidance"
    if re.search(r"reinvest|rolling over", flat, re.I):
        return "reinvest"
    if re.search(r"average maturity", flat, re.I) and not re.search(r"purchase .*\$\d", flat):
        return "maturity"  # a new purchase at a stated pace, even when it follows it, is not
    if re.search(r"purchas", flat, re.I) and re.search(r"securities|agency|asset", flat, re.I):
        if re.search(r"\$\d", flat):
            return "purchases"
        # how the purchases will be judged or further adjusted, even when it names their pace
        # ("will regularly review the pace of", "will likely reduce the pace ... in further
        # measured steps at future meetings"): a review, by the threads' own definitions
        if re.search(r"\b(review|assess|evaluat|judg)|further measured steps", flat):
            return "purchase_review"
        return "purchases" if re.search(r"pace of", flat) else "purchase_review"
    if re.search(r"target (range )?for the federal funds rate", flat) and re.search(
        r"decided|will maintain|reaffirmed", flat
    ):
        return "rate_target"
    return None


def terms_of(thread: str, flat: str) -> str:
    """Our short words for what the pledge states (its level, horizon, amount or condition)."""
    if thread == "rate_target":
        level = re.search(r"(\d[-\d/]*(?: to \d[-\d/]*)? percent)", flat)
        return f"level {level.group(1)}" if level else "level unchanged"
    if thread == "rate_guidance":
        for pattern, words in ((r"6-1/2 percent", "thresholds: unemployment and inflation"),
                               (r"considerable time", "a considerable time after purchases end"),
                               (r"patient", "patient on normalizing"),

                               (r"through (mid|late)-? ?\d{4}", None),
                               (r"extended period", "an extended period"),

                               (r"for some time", "some time")):  # fmt: skip
            if found := re.search(pattern, flat):
                return words or f"until {found.group(0)[8:]}"
    if thread == "liftoff":
        if "unlikely at the" in flat:
            return "not at the next meeting"
        if re.search(r"sooner|later", flat):
            return "sooner or later with the data"
        return (
            "after some further improvement"
            if "some further" in flat
            else "after further improvement"
        )
    if thread == "rate_after_goals":
        return "gradual increases" if "gradual" in flat else "below normal after goals near"
    if thread == "purchase_review":
        if re.search(r"improved? substantially", flat):
            return "until the labour outlook improves substantially"
        return (
            "in further measured steps" if "measured steps" in flat else "reviewed with the outlook"
        )
    if thread == "rate_assess":
        return "how long to hold" if "how long" in flat else "timing and size of moves"
    amounts = sorted(set(re.findall(r"\$\d[\d.,]*\s*(?:billion|trillion)", flat)))
    if thread == "reinvest":
        kind = (
            "into agency MBS"
            if re.search(r"in agency mortgage-backed", flat)
            else "into Treasuries"
        )
        until = ", until normalization under way" if "normalization" in flat else ""
        return kind + until
    stated = ", ".join(amounts) if amounts else "no amount stated"
    if thread == "maturity" and (horizon := re.search(r"through the end of the year", flat)):
        return f"{stated}, {horizon.group()}"  # the programme's end date, when one is said
    return stated


def label(clone: Path) -> dict:
    names = subprocess.run(
        ["git", f"--git-dir={clone}", "ls-tree", "--name-only", COMMIT, "statements/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    statements, last, now = [], {}, {}
    for path in sorted(names.split()):
        stem = Path(path).stem
        # statements/20080916.xt is a statement whose name lost a letter upstream
        if not path.endswith((".txt", ".xt")) or not "2008" <= stem[:4] <= "2016":
            continue
        data = subprocess.run(
            ["git", f"--git-dir={clone}", "show", f"{COMMIT}:{path}"],
            capture_output=True,
            check=True,
        ).stdout
        text = data.decode("utf-8")
        pledges = []
        last.update(now)
        now = {}
        for start, end in sentences(text):
            flat = " ".join(text[start:end].split())
            thread = thread_of(flat)
            if thread is None:
                continue
            terms = terms_of(thread, flat)
            changed = thread in last and terms not in last[thread]
            now.setdefault(thread, set()).add(terms)
            pledges.append(
                {
                    "start": start,
                    "end": end,
                    "thread": thread,
                    "terms": terms,
                    "changed": changed,
                    "reversal": False,
                }
            )
        statements.append(
            {
                "id": stem,
                "date": f"{stem[:4]}-{stem[4:6]}-{stem[6:]}",
                "path": path,
                "sha256": hashlib.sha256(data).hexdigest(),
                "pledges": pledges,
            }
        )
    return {
        "version": 1,
        "source": {"repo": REPO, "commit": COMMIT},
        "actor": "Federal Open Market Committee",
        "threads": THREADS,
        "statements": statements,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clone", type=Path, required=True, help="a clone of fomc/statements")
    args = parser.parse_args()
    labels = label(args.clone)
    (HERE / "fomc.json").write_text(json.dumps(labels, indent=1) + "\n", encoding="utf-8")
    count = sum(len(s["pledges"]) for s in labels["statements"])
    print(f"{len(labels['statements'])} statements, {count} pledges -> {HERE / 'fomc.json'}")


if __name__ == "__main__":
    main()
