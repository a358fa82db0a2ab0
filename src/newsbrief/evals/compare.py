"""Compare two eval runs: per-field deltas with paired bootstrap confidence intervals, the
fixtures that flipped, hard gates, and a verdict.

Deltas are B minus A. Fixtures are paired by id (repeats averaged per fixture first), so the
interval measures the change on the same articles, not the spread between articles. The
bootstrap resamples fixtures with replacement (10,000 times, seeded: the same runs always give
the same interval) and takes the 2.5th and 97.5th percentiles of the mean paired difference.

Each field gets one of four verdicts from its interval and the tolerance ``delta``:

- **better**: the whole interval is above 0;
- **worse**: the whole interval is below 0;
- **no significant difference**: the interval includes 0 and stays within ``±delta``;
- **inconclusive**: the interval includes 0 but reaches beyond ``±delta``, so these fixtures
  cannot tell (more fixtures or ``--repeats`` would).

The gate fails when a gated field is *worse* by possibly more than the tolerance (its interval
is below 0 and its lower bound below ``-delta``), or a hard gate fails on B: a brief that is not
schema-valid, a quote or evidence that is not in the source where A had none on that fixture,
or a leak of removed chrome into a brief. An inconclusive field never fails the gate; it is
named in the verdict.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import UsageError
from .runfile import Run
from .scorers import SCORES

# What is compared, and what of it is gated: declared once, with each score (scorers.SCORES).
REPORTED = tuple(spec.name for spec in SCORES)
GATED = tuple(spec.name for spec in SCORES if spec.gated)
NOT_GATED = tuple(name for name in REPORTED if name not in GATED)
RESAMPLES = 10_000
SEED = 20261128
FLIP = 0.5  # a per-fixture change this large is listed as a flip
BETTER, WORSE, SAME, INCONCLUSIVE = "better", "worse", "no significant difference", "inconclusive"


def field_verdict(low: float | None, high: float | None, tolerance: float) -> str | None:
    """better, worse, no significant difference or inconclusive for a delta's 95% interval
    (None when there is no interval: no paired fixture)."""
    if low is None or high is None:
        return None
    if low > 0:
        return BETTER
    if high < 0:
        return WORSE
    if low >= -tolerance and high <= tolerance:
        return SAME
    return INCONCLUSIVE


@dataclass
class FieldDelta:
    name: str
    a: float | None
    b: float | None
    delta: float | None
    low: float | None
    high: float | None
    n: int
    gated: bool
    failed: bool = False
    verdict: str | None = None


@dataclass
class Comparison:
    a: dict[str, Any]
    b: dict[str, Any]
    fields: list[FieldDelta]
    flipped: list[dict[str, Any]]
    hard: list[dict[str, Any]]
    verdict: str
    gate_failed: bool
    tolerance: float
    resamples: int = RESAMPLES
    seed: int = SEED
    fixtures: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def per_fixture(run: Run, name: str) -> dict[str, float]:
    """Fixture id -> the score's value, averaged over repeats (None values left out)."""
    values: dict[str, list[float]] = defaultdict(list)
    for item in run.items:
        for score in item.scores:
            if score.name == name and score.value is not None:
                values[item.id].append(float(score.value))
    return {key: sum(v) / len(v) for key, v in values.items()}


def paired_bootstrap(
    a: list[float], b: list[float], *, resamples: int = RESAMPLES, seed: int = SEED
) -> tuple[float, float, float]:
    """(mean of b - a, low, high): a 95% percentile interval over resampled fixtures."""
    import numpy as np

    diffs = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    if diffs.size == 0:
        raise ValueError("no paired fixtures")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, diffs.size, size=(resamples, diffs.size))
    means = diffs[picks].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(diffs.mean()), float(low), float(high)


def _meta(run: Run) -> dict[str, Any]:
    keys = ("prompt", "prompt_sha256", "model", "strategy", "strategy_version", "created",
            "repeats", "newsbrief_version")  # fmt: skip
    return {k: getattr(run, k) for k in keys}


def check_same_fixtures(a: Run, b: Run) -> None:
    """Raise a usage error when A and B were made on different fixture sets: their averages
    would not be over the same articles."""
    ids_a, ids_b = a.ids(), b.ids()
    if ids_a == ids_b:
        return
    only_a, only_b = sorted(ids_a - ids_b), sorted(ids_b - ids_a)

    def listed(ids: list[str]) -> str:
        return ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")

    parts = ([f"only A has {listed(only_a)}"] if only_a else []) + (
        [f"only B has {listed(only_b)}"] if only_b else [])  # fmt: skip
    raise UsageError(
        f"runs A and B were made on different fixture sets ({'; '.join(parts)})",
        "re-run one with the other's --fixtures, or pass --shared-only to compare the "
        f"{len(ids_a & ids_b)} fixtures both have",
    )


def _ungrounded(run: Run) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for item in run.items:
        for score in item.scores:
            if score.name == "grounding":
                counts[item.id] += score.fp
    return counts


def _hard_gates(a: Run, b: Run) -> list[dict[str, Any]]:
    invalid = [i.id for i in b.items for s in i.scores
               if s.name == "schema_valid" and s.value != 1.0]  # fmt: skip
    leaks = [f"{i.id} ({s.explanation})" for i in b.items for s in i.scores
             if s.name == "no_leak" and s.value == 0.0]  # fmt: skip
    before, after = _ungrounded(a), _ungrounded(b)
    new = [f"{key} ({after[key]} vs {before.get(key, 0)})" for key in sorted(after)
           if after[key] > before.get(key, 0)]  # fmt: skip
    return [
        {"gate": "schema valid 100%", "ok": not invalid, "why": ", ".join(invalid)},
        {"gate": "no new ungrounded quote", "ok": not new, "why": ", ".join(new)},
        {"gate": "no leak", "ok": not leaks, "why": "; ".join(leaks)},
    ]


def overall_verdict(fields: list[FieldDelta], hard: list[dict[str, Any]], tolerance: float) -> str:
    """One sentence over the gated fields: what fails the gate, else what is better, what
    cannot be told, and that nothing else changed."""

    def named(kind: str, failing: bool | None = None) -> list[str]:
        return [f.name for f in fields if f.gated and f.verdict == kind
                and (failing is None or f.failed == failing)]  # fmt: skip

    worse, broken = named(WORSE, True), [g["gate"] for g in hard if not g["ok"]]
    if worse or broken:
        return "B fails the gate: " + "; ".join(
            ([f"worse on {', '.join(worse)} (95% CI below 0, beyond -{tolerance})"]
             if worse else [])
            + ([f"hard gate: {', '.join(broken)}"] if broken else [])
        )  # fmt: skip
    said = []
    if named(BETTER):
        said.append(f"B is better on {', '.join(named(BETTER))} (95% CI above 0)")
    if named(WORSE):
        said.append(f"worse within the tolerance on {', '.join(named(WORSE))}")
    if named(INCONCLUSIVE):
        said.append(
            f"inconclusive on {', '.join(named(INCONCLUSIVE))} (95% CI includes 0 and reaches "
            f"beyond ±{tolerance}: more fixtures or --repeats would tell)"
        )
    if not said:
        return f"no significant difference (every 95% CI includes 0 and stays within ±{tolerance})"
    if named(SAME):
        said.append(f"no significant difference on {', '.join(named(SAME))}")
    return "; ".join(said)


def compare(
    a: Run,
    b: Run,
    *,
    tolerance: float = 0.02,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Comparison:
    """B against A, field by field; see the module docstring for the gate."""
    fields: list[FieldDelta] = []
    flipped: list[dict[str, Any]] = []
    for name in REPORTED:
        va, vb = per_fixture(a, name), per_fixture(b, name)
        if not va and not vb:
            continue  # a score neither run has (e.g. the judge's, without --judge)
        shared = sorted(set(va) & set(vb))
        mean_a = sum(va.values()) / len(va) if va else None
        mean_b = sum(vb.values()) / len(vb) if vb else None
        if not shared:
            fields.append(FieldDelta(name, mean_a, mean_b, None, None, None, 0, name in GATED))
            continue
        delta, low, high = paired_bootstrap([va[k] for k in shared], [vb[k] for k in shared],
                                            resamples=resamples, seed=seed)  # fmt: skip
        gated = name in GATED
        verdict = field_verdict(low, high, tolerance)
        failed = gated and verdict == WORSE and low < -tolerance
        fields.append(FieldDelta(name, mean_a, mean_b, delta, low, high, len(shared), gated,
                                 failed=failed, verdict=verdict))  # fmt: skip
        flipped += [
            {"fixture": k, "field": name, "a": va[k], "b": vb[k],
             "direction": "better" if vb[k] > va[k] else "worse"}
            for k in shared if abs(vb[k] - va[k]) >= FLIP
        ]  # fmt: skip
    hard = _hard_gates(a, b)
    verdict = overall_verdict(fields, hard, tolerance)
    worse = [f.name for f in fields if f.failed]
    broken = [g["gate"] for g in hard if not g["ok"]]
    ids = sorted(a.ids() & b.ids())
    return Comparison(_meta(a), _meta(b), fields, flipped, hard, verdict,
                      bool(worse or broken), tolerance, resamples, seed, ids)  # fmt: skip
