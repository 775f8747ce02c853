"""How other rules for choosing a fit's granularity would do, on every set, draw and seed.

    python -m evaluation.choice_rules [--draws 0,1,2,3] [--seeds 42,1000,7] [--sets a,b]
        [--runs 3] [--giant-factor 5.0] [--output FILE]

A fit scores every granularity (HDBSCAN min cluster size x leaf / excess of mass) on
three UMAP layouts and keeps one (``service/pipeline/granularity.py``). This records,
for each development set, draw and base seed, every granularity's distinctness, layout
agreement, theme count and kept partition (its most typical layout's, giants split) from
one fit with the evaluation's cached layouts, then lets each rule in ``RULES`` choose from
the same records. A rule meets issue 13's bar on a set when its mean ARI and NMI over the
seeds beat BERTopic + reduce_outliers' in ``results/quality`` (``results/quality_drawN``
for other draws: run ``python -m evaluation.quality`` first) and, on question-grouped
sets, its mean theme count is 0.7-1.3x the labels. Scores are of the kept partition
before the fit's last step leaves robust outliers unassigned (under 1% of notes), so the
default's figures can differ from ``results/quality`` in the third decimal.

Results: ``results/choice_rules.json`` and a table on stdout (``evaluation/README.md``).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from evaluation.devsets import SEED, SHARED_DATA, build_sets
from evaluation.quality import (
    RESULTS,
    SEEDS,
    _cached_layouts_model,
    all_sets,
    check_bar,
    default_embedder_and_analyzer,
)
from evaluation.score_spread import choose_within_spread, score_spread
from service.pipeline import granularity
from service.pipeline.granularity import SCORE_TIE, choose_granularity
from service.pipeline.partitions import (
    distance_sample,
    most_typical,
    pairwise_agreement,
    theme_distinctness,
)
from service.pipeline.themes import _DISTINCTNESS_SAMPLE, Granularity, ThemeModel

OUTPUT = RESULTS.parent / "choice_rules.json"
PEER = "bertopic_reduce_outliers"


class _Recording(ThemeModel):
    """``ThemeModel`` that also keeps every granularity's kept partition (``kept_``) and
    its score's spread over the layouts (``spread_``, ``score_spread``)."""

    def _granularity_runs(
        self, centred: np.ndarray, layouts: Any, seed_labels: np.ndarray, offset: int
    ) -> Any:
        runs = super()._granularity_runs(centred, layouts, seed_labels, offset)
        self.spread_ = {
            key: score_spread(
                self.layout_distinctness_[key],
                pairwise_agreement([labels for labels, _ in key_runs]),
                self.reproducibility_power,
            )
            for key, key_runs in runs.items()
        }
        return runs

    def _choose_partition(
        self, centred: np.ndarray, layouts: Any, seed_labels: np.ndarray, offset: int
    ) -> tuple[np.ndarray, int]:
        runs = self._granularity_runs(centred, layouts, seed_labels, offset)
        self.kept_ = {
            key: self._kept_partition(key_runs, key, layouts, seed_labels, offset)[0]
            for key, key_runs in runs.items()
        }
        # How distinct the kept partition is (giants split), beside its typical layout's
        # own partition: the score judges the layouts' partitions, the fit keeps another.
        sample, distances = distance_sample(centred, _DISTINCTNESS_SAMPLE, self.random_state)
        self.kept_distinctness_ = {
            key: theme_distinctness(distances, kept[sample]) for key, kept in self.kept_.items()
        }
        self.typical_distinctness_ = {
            key: self.layout_distinctness_[key][most_typical([r for r, _ in key_runs])]
            for key, key_runs in runs.items()
        }
        self.granularity_ = choose_granularity(
            self.granularity_scores_, self.theme_counts_, self.score_tie
        )
        return self.kept_[self.granularity_], int(self.kept_[self.granularity_].max()) + 1


@dataclass
class Record:
    """One fit's view of every granularity: distinctness, agreement, mean theme count and
    kept partition (n,) by granularity; the model's own choice."""

    distinctness: dict[Granularity, float]
    agreement: dict[Granularity, float]
    counts: dict[Granularity, float]
    kept: dict[Granularity, np.ndarray]
    chosen: Granularity
    spread: dict[Granularity, float]
    kept_distinctness: dict[Granularity, float]
    typical_distinctness: dict[Granularity, float]


def record(vectors: np.ndarray, lemma_docs: Sequence[str], seed: int, runs: int = 3) -> Record:
    """Fit the default model (cached layouts; ``runs`` UMAP layouts) once and keep what
    every rule needs."""
    model = _cached_layouts_model(_Recording, random_state=seed, n_runs=runs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(vectors, lemma_docs)
    return Record(
        dict(model.distinctness_),
        dict(model.reproducibility_),
        dict(model.theme_counts_),
        dict(model.kept_),
        model.granularity_,
        dict(model.spread_),
        dict(model.kept_distinctness_),
        dict(model.typical_distinctness_),
    )


Rule = Callable[[Record], "Granularity | np.ndarray"]


def _score(r: Record, key: Granularity, power: float = 2.0) -> float:
    """A granularity's score as the model computes it: distinctness x agreement ** power."""
    return r.distinctness[key] * max(0.0, r.agreement[key]) ** power


def scored(power: float = 2.0, tie: float = SCORE_TIE) -> Rule:
    """Distinctness x agreement ** power; scores within ``tie`` of the best are a tie won
    by the most themes (the default: power 2, tie 5%)."""

    def rule(r: Record) -> Granularity:
        return choose_granularity({g: _score(r, g, power) for g in r.kept}, r.counts, tie)

    return rule


def within_spread(power: float = 2.0) -> Rule:
    """The default's score; the tie is the best score's own spread over the layouts (one
    jackknife standard error, ``choose_within_spread``)."""

    def rule(r: Record) -> Granularity:
        scores = {g: _score(r, g, power) for g in r.kept}
        return choose_within_spread(scores, r.spread, r.counts)

    return rule


def agreement_floor(fraction: float, tie: float = SCORE_TIE) -> Rule:
    """Distinctness (with ``tie``) among the granularities whose layouts agree at least
    ``fraction`` of the best agreement."""

    def rule(r: Record) -> Granularity:
        best = max(r.agreement.values())
        kept = {g: d for g, d in r.distinctness.items() if r.agreement[g] >= fraction * best}
        return choose_granularity(kept, r.counts, tie)

    return rule


def distinctness_first(window: float, tie: float = SCORE_TIE) -> Rule:
    """The default's score and tie among the granularities whose distinctness is within
    ``window`` of the best distinctness."""

    def rule(r: Record) -> Granularity:
        best = max(r.distinctness.values())
        near = [g for g, d in r.distinctness.items() if d >= best - window * abs(best)]
        return choose_granularity({g: _score(r, g) for g in near}, r.counts, tie)

    return rule


def consensus(cut: float = 0.5) -> Rule:
    """No choice: the notes' co-association over every granularity's kept partition (the
    share that put two notes in one theme), cut by average linkage at 1 - ``cut``."""

    def rule(r: Record) -> np.ndarray:
        parts = list(r.kept.values())
        together = np.zeros((len(parts[0]), len(parts[0])), np.float32)
        for labels in parts:
            together += (labels[:, None] == labels[None, :]) & (labels[:, None] >= 0)
        distance = 1.0 - together / len(parts)
        np.fill_diagonal(distance, 0.0)
        tree = linkage(squareform(distance, checks=False), "average")
        return np.asarray(fcluster(tree, t=1.0 - cut, criterion="distance"), np.int64)

    return rule


def kept_scored(adjusted: bool, tie: float = SCORE_TIE) -> Rule:
    """The default's score and tie with the distinctness of the partition the fit keeps
    (giants split): its own, or (``adjusted``) the layouts' mean scaled by what the split
    changed on the typical layout. Ties go to the kept partition with most themes."""

    def rule(r: Record) -> Granularity:
        scores = {}
        for g in r.kept:
            d = r.kept_distinctness[g]
            if adjusted:
                d = r.distinctness[g] * d / max(r.typical_distinctness[g], 1e-12)
            scores[g] = d * max(0.0, r.agreement[g]) ** 2
        counts = {g: float(len(np.unique(r.kept[g]))) for g in r.kept}
        return choose_granularity(scores, counts, tie)

    return rule


def fixed(key: Granularity) -> Rule:
    """One granularity whatever the data (BERTopic's way)."""
    return lambda r: key


RULES: dict[str, Rule] = {
    "default (score = distinctness x agreement^2, 5% tie to most themes)": scored(),
    "best score alone (no tie)": scored(tie=0.0),
    "distinctness alone, no tie (the default before 2026-12-03)": scored(power=0.0, tie=0.0),
    "distinctness alone, 5% tie (quality's candidate:distinctness_only)": scored(power=0.0),
    "agreement^1, 5% tie": scored(power=1.0),
    "10% tie": scored(tie=0.10),
    "tie = the best score's jackknife spread over the layouts (one standard error)": (
        within_spread()
    ),
    "distinctness among agreement >= 0.95 x best, 5% tie": agreement_floor(0.95),
    "default among distinctness within 7.5% of best": distinctness_first(0.075),
    "consensus of all ten, average linkage at 0.5": consensus(0.5),
    "score of the kept partition (giants split), 5% tie": kept_scored(adjusted=False),
    "mean distinctness x the split's change on the typical layout, 5% tie": kept_scored(True),
    "fixed leaf10": fixed((10, "leaf")),
    "fixed eom10": fixed((10, "eom")),
}


def partition_of(rule: Rule, r: Record) -> np.ndarray:
    """The partition ``rule`` keeps from ``r``."""
    chosen = rule(r)
    return r.kept[chosen] if isinstance(chosen, tuple) else chosen


def judge(
    rule: Rule,
    records: Mapping[int, Record],
    truth: np.ndarray,
    peer: Mapping[str, float],
    shape: str,
) -> dict[str, Any]:
    """Mean ARI, NMI and theme count of ``rule`` over the seeds' ``records`` of one set
    (its labels ``truth``, its ``shape``), and whether that meets issue 13's bar against
    ``peer`` (its mean "ari" and "nmi"), checked by ``quality.check_bar``."""
    parts = [partition_of(rule, r) for r in records.values()]
    aris = [adjusted_rand_score(truth, p) for p in parts]
    ari = float(np.mean(aris))
    nmi = float(np.mean([normalized_mutual_info_score(truth, p) for p in parts]))
    themes = float(np.mean([len(np.unique(p[p >= 0])) for p in parts]))
    mine = {"ari": ari, "nmi": nmi, "themes": themes}
    mine["unassigned_share"] = float(np.mean([np.mean(p < 0) for p in parts]))
    methods = {"rule": {"mean": mine}, PEER: {"mean": peer}}
    result = {"labels": len(np.unique(truth)), "shape": shape, "methods": methods}
    met = check_bar(result, ours="rule")["met"]
    return {
        "ari": round(ari, 4),
        "ari_sd": round(float(np.std(aris)), 4),
        "nmi": round(nmi, 4),
        "themes": round(themes, 1),
        "met": met,
    }


def _quality_folder(draw: int) -> Path:
    """Where ``evaluation.quality --draw`` wrote a draw's results (as its ``main``)."""
    return RESULTS if draw == SEED else RESULTS.parent / f"quality_draw{draw}"


def peer_scores(name: str, draw: int) -> dict[str, float]:
    """BERTopic + reduce_outliers' mean scores on a set from ``evaluation.quality``."""
    path = _quality_folder(draw) / f"{name}.json"
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run python -m evaluation.quality --draw {draw} first")
    return dict(json.loads(path.read_text("utf-8"))["methods"][PEER]["mean"])


def sets_of_draw(draw: int, embedder: Any, analyzer: Any) -> dict[str, Any]:
    """The sets of ``draw``: every set for the reference draw; for another draw the
    development sets ``evaluation.quality --draw`` has results for."""
    if draw == SEED:
        return all_sets(SHARED_DATA, embedder, analyzer)
    names = {path.stem for path in _quality_folder(draw).glob("*.json")}
    return {
        k: v for k, v in build_sets(SHARED_DATA, embedder, analyzer, draw).items() if k in names
    }


def relative_spread(records: Iterable[Record]) -> float:
    """The median over ``records`` (seeds) of the best-scoring granularity's spread over
    the layouts (``score_spread``) as a share of its score: how wide a tie the layouts'
    own noise would ask for."""
    shares = []
    for r in records:
        best = max(r.kept, key=lambda g: _score(r, g))
        shares.append(r.spread[best] / max(abs(_score(r, best)), 1e-12))
    return round(float(np.median(shares)), 4)


def summary(table: Mapping[str, Mapping[str, dict[str, Any]]]) -> dict[str, Any]:
    """Per rule: how many set-draws met the bar, the mean ARI over them, which did not."""
    out = {}
    for rule, rows in table.items():
        out[rule] = {
            "met": sum(row["met"] for row in rows.values()),
            "of": len(rows),
            "mean_ari": round(float(np.mean([row["ari"] for row in rows.values()])), 4),
            "not_met": [name for name, row in rows.items() if not row["met"]],
        }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--draws", default="0,1,2,3", help="development set draws")
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)), help="base seeds")
    parser.add_argument("--sets", help="comma-separated set names (default: all of a draw)")
    parser.add_argument("--runs", type=int, default=3, help="UMAP layouts per fit")
    parser.add_argument(
        "--giant-factor",
        type=float,
        default=granularity.LARGE_THEME_FACTOR,
        help="a theme above this multiple of the median theme's size is split (the model's "
        "LARGE_THEME_FACTOR, replaced for this replay)",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    granularity.LARGE_THEME_FACTOR = args.giant_factor
    seeds = [int(s) for s in args.seeds.split(",") if s]
    wanted = {s for s in (args.sets or "").split(",") if s}
    embedder, analyzer = default_embedder_and_analyzer()
    table: dict[str, dict[str, dict[str, Any]]] = {rule: {} for rule in RULES}
    spreads: dict[str, float] = {}
    for draw in (int(d) for d in args.draws.split(",") if d):
        for name, dev_set in sets_of_draw(draw, embedder, analyzer).items():
            if wanted and name not in wanted:
                continue
            peer = peer_scores(name, draw)
            records = {s: record(dev_set.vectors, dev_set.lemma_docs, s, args.runs) for s in seeds}
            truth = np.asarray(dev_set.notes.labels)
            spreads[f"{name} (draw {draw})"] = relative_spread(records.values())
            for rule_name, rule in RULES.items():
                row = judge(rule, records, truth, peer, dev_set.shape)
                table[rule_name][f"{name} (draw {draw})"] = row
            print(f"{name} (draw {draw}): done", flush=True)
    result = {
        "seeds": seeds,
        "draws": args.draws,
        "runs": args.runs,
        "giant_factor": args.giant_factor,
        "summary": summary(table),
        "best_score_relative_spread": spreads,
        "sets": table,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    for rule_name, row in result["summary"].items():
        print(f"{row['met']:2d}/{row['of']}  mean ARI {row['mean_ari']:.3f}  {rule_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
