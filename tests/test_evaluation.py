"""The evaluation command and the benchmark's pieces, on small real inputs.

The quality figures themselves come from `teemakartta evaluate` runs on the full data
sets (README); these tests check that the machinery measuring them is right.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from evaluation.bench.plots import plot_system
from evaluation.bench.system import real_sentences
from evaluation.bench.upload import descendants, worker_peak_rss_mb
from evaluation.choice_rules import (
    RULES,
    Record,
    consensus,
    fixed,
    judge,
    kept_scored,
    partition_of,
    record,
    relative_spread,
    scored,
    summary,
    within_spread,
)
from evaluation.evaluate import score
from evaluation.naming import name_quality
from evaluation.quality import QUESTION_SHAPE
from evaluation.score_spread import choose_within_spread, score_spread
from service.config import REPO_ROOT
from service.pipeline.themes import ThemeModel
from tests.shared import shared_file


def test_score_ignores_label_names_and_counts_unassigned_as_a_cluster() -> None:
    gold = np.array(["a", "a", "b", "b", "c", "c"])
    assert score(gold, np.array([5, 5, 1, 1, 0, 0]))["ari"] == 1.0
    partial = score(gold, np.array([0, 0, 1, 1, -1, -1]))
    assert partial["ari"] == 1.0  # -1 is one more cluster, here a pure one
    assert partial["themes"] == 2 and partial["unassigned_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert score(gold, np.array([0, 1, 0, 1, 0, 1]))["nmi"] < 0.2


def test_evaluate_command_scores_pipeline_and_baselines(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in shared_file("data/sib200_fin_topics.jsonl").open()]
    by_label: dict[str, list[dict]] = {}
    for row in rows:
        by_label.setdefault(row["label"], []).append(row)
    subset = [row for label in sorted(by_label) for row in by_label[label][:30]]
    dataset = tmp_path / "sib-small.jsonl"
    dataset.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in subset) + "\n")
    output = tmp_path / "result.json"
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "evaluate", "--dataset", str(dataset),
         "--baselines", "--json", "--output", str(output)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert json.loads(output.read_text()) == result
    assert result["notes"] == len(subset) and result["labels"] == len(by_label)
    methods = result["methods"]
    assert set(methods) == {
        "teemakartta", "bertopic_default", "bertopic_reduce_outliers", "kmeans_true_k"
    }  # fmt: skip
    for scores in methods.values():
        assert -1 <= scores["ari"] <= 1 and 0 <= scores["nmi"] <= 1
    ours = methods["teemakartta"]
    assert ours["themes"] >= 2 and ours["unassigned_share"] <= 0.1
    assert methods["kmeans_true_k"]["themes"] == len(by_label)
    # Topic sentences of 7 kinds: any working pipeline finds more than chance (ARI 0, NMI
    # about 0.01 for 2-3 groups drawn at random from these 210 notes). Ours is coarse here
    # (issue 13: 2-3 themes for 7 topics): ARI 0.04 / NMI 0.08 on the AMD EPYC of
    # 2026-12-01, above 0.05 / 0.15 on earlier machines (the vectors differ in their last
    # digits), so the bars are chance and five times chance.
    assert ours["ari"] > 0 and ours["nmi"] > 0.05
    naming = result["naming"]
    assert len(naming["themes"]["themes"]) == ours["themes"]
    assert len(naming["labels"]["themes"]) == len(by_label)
    for named in (naming["themes"], naming["labels"]):
        names = [theme["name"] for theme in named["themes"]]
        assert len(set(names)) == len(names) and not any("·" in name for name in names)
        assert all(" · " in theme["triplet"] for theme in named["themes"])
        for way in ("triplet", "name"):
            assert 0 < named[way]["coverage"] <= 1 and 0 < named[way]["exclusivity"] <= 1
    # Found themes: the share of descriptions taken from a note of the theme's most
    # common label.
    assert 0 <= naming["themes"]["description_on_label"] <= 1


def test_evaluate_command_says_what_is_missing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "evaluate", "--dataset", str(tmp_path / "x")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "does not exist" in done.stdout + done.stderr


def test_bench_sentences_are_distinct_real_sentences() -> None:
    sentences = real_sentences()
    assert len(sentences) > 16000
    assert len(set(sentences)) == len(sentences)
    assert all(len(s.split()) >= 4 and s == " ".join(s.split()) for s in sentences)


def test_system_plot_draws_every_measured_part(tmp_path: Path) -> None:
    machine = {"cpu_model": "test CPU", "logical_cpus": 2}
    runs = [
        {"method": m, "notes": n, "seconds": s}
        for m, n, s in [("ours", 1000, 2.0), ("ours", 4000, 7.5), ("bertopic", 1000, 3.0)]
    ]
    results = {
        "themes": {"machine": machine, "runs": runs, "time_exponent": {"ours": 0.95}},
        "ingest": {"machine": machine, "datasets": {"sib200_fin_topics": {"ratio": 0.73}}},
        "startup": {"machine": machine, "cli_help_seconds": 0.2, "api_ready_seconds": 1.6},
    }
    path = plot_system(results, tmp_path / "bench.png")
    assert path is not None and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plot_system({}, tmp_path / "none.png") is None


def test_top_labels_keeps_the_most_frequent_labels_and_recodes_them() -> None:
    from evaluation.datasets import LabelledNotes
    from evaluation.evaluate import most_frequent_labels

    names = ("a", "b", "c", "d")
    labels = np.array([0, 1, 1, 2, 2, 2, 3, 3, 3])
    notes = LabelledNotes(
        "x", tuple(map(str, range(9))), tuple(f"t{i}" for i in range(9)), labels, names,
        tuple([None] * 9),
    )  # fmt: skip
    subset, keep = most_frequent_labels(notes, 2)
    assert subset.label_names == ("c", "d") and keep.tolist() == [3, 4, 5, 6, 7, 8]
    assert subset.labels.tolist() == [0, 0, 0, 1, 1, 1] and subset.texts[0] == "t3"
    assert subset.name == "x_top2"


def test_evaluate_refuses_a_subset_of_fewer_than_two_labels() -> None:
    dataset = shared_file("data/sib200_fin_topics.jsonl")
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "evaluate", "--dataset", str(dataset),
         "--top-labels", "1"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and "top-labels" in done.stdout + done.stderr


def _fake_caches(monkeypatch: pytest.MonkeyPatch, *modules: object) -> None:
    """Vectors and lemmas from the texts themselves, no model: a text's first coordinate is
    its hash, so its row is recognisable."""

    def fake_vectors(notes, embedder):  # type: ignore[no-untyped-def]
        return np.array([[hash(t) % 1000, len(t)] for t in notes.texts], float), None

    def fake_lemmas(notes, analyzer):  # type: ignore[no-untyped-def]
        return [t.lower() for t in notes.texts], None

    for module in modules:
        monkeypatch.setattr(module, "cached_vectors", fake_vectors)
        monkeypatch.setattr(module, "cached_lemma_docs", fake_lemmas)


def test_robustness_sets_have_the_shapes_they_promise(monkeypatch: pytest.MonkeyPatch) -> None:
    import evaluation.robustness as robustness

    _fake_caches(monkeypatch, robustness)
    sets = robustness.build_sets(shared_file("data"), embedder=None, analyzer=None)
    assert set(sets) == {"three_sources", "dominant_topic", "sib_plus_two_sources"}
    for notes, vectors, lemmas in sets.values():
        assert len(notes.texts) == len(vectors) == len(lemmas) == len(notes.labels)
        assert len(set(notes.ids)) == len(notes.ids)  # no note drawn twice
        for text, vector, lemma in zip(notes.texts, vectors, lemmas, strict=True):
            assert vector[0] == hash(text) % 1000 and lemma == text.lower()
    three, _, _ = sets["three_sources"]
    assert three.label_names == ("eduskunta", "omastadi", "sib")
    assert np.bincount(three.labels).tolist() == [400, 400, 400]
    dominant, _, _ = sets["dominant_topic"]
    sizes = np.bincount(dominant.labels)
    assert len(sizes) == 7 and sorted(sizes)[:-1] == [25] * 6 and sizes.max() > 0.5 * sizes.sum()
    mixed, _, _ = sets["sib_plus_two_sources"]
    assert len(mixed.label_names) == 9 and len(mixed.texts) == 1004 + 600
    # The same sets every time.
    again = robustness.build_sets(shared_file("data"), embedder=None, analyzer=None)
    assert all(again[name][0].ids == sets[name][0].ids for name in sets)


def test_a_baseline_that_cannot_run_is_reported_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    import evaluation.evaluate as evaluate
    from evaluation.datasets import LabelledNotes

    def broken(texts, vectors, reduce):  # type: ignore[no-untyped-def]
        if reduce:  # as BERTopic's reduce_outliers does when every note is an outlier
            raise ValueError("Found array with 0 sample(s)")
        return np.full(len(texts), -1)

    monkeypatch.setattr(evaluate, "_bertopic", broken)
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1], 15)
    vectors = rng.normal(size=(30, 8)) + 4 * labels[:, None]
    notes = LabelledNotes(
        name="pieni", ids=tuple(map(str, range(30))), texts=("teksti",) * 30,
        labels=labels, label_names=("a", "b"), regions=(None,) * 30,
    )  # fmt: skip
    methods, _ = evaluate.compare_methods(notes, vectors, ["sana"] * 30, baselines=True)
    assert methods["bertopic_reduce_outliers"] == {
        "error": "ValueError: Found array with 0 sample(s)"
    }
    assert methods["bertopic_default"]["unassigned_share"] == 1.0
    assert methods["teemakartta"]["ari"] > 0.9 and methods["kmeans_true_k"]["ari"] == 1.0
    table = evaluate.format_table(
        {"dataset": "pieni", "notes": 30, "labels": 2, "note": "", "methods": methods,
         "embed_seconds": None, "lemmatize_seconds": None}
    )  # fmt: skip
    assert "bertopic_reduce_outliers   failed: ValueError" in table


def test_name_quality_counts_notes_and_occurrences() -> None:
    labels = np.array([0, 0, 0, 1, 1])
    docs = ["kesätyö nuori", "nuori nuori", "yritys", "kesätyö", "liikenne"]
    quality = name_quality(labels, docs, [["kesätyö", "ja"], ["liikenne"]])
    # theme 0: 1 of 3 notes says "kesätyö" ("ja" is a stop word), 1 of its 2 occurrences;
    # theme 1: 1 of 2 notes says "liikenne", its only occurrence.
    assert quality == {
        "coverage": pytest.approx((1 / 3 + 1 / 2) / 2, abs=1e-4),
        "exclusivity": pytest.approx((1 / 2 + 1) / 2, abs=1e-4),
    }


def test_evaluate_runs_the_configured_embedding_backend_and_compares_others(
    tmp_path: Path,
) -> None:
    """`evaluate` embeds with TEEMA_EMBEDDING_BACKEND (not always float32 from its cache),
    and `--backends` fits the same notes on another backend's vectors beside it."""
    import os

    from service.config import Settings
    from service.nlp import NlpResources

    rows = [json.loads(line) for line in shared_file("data/sib200_fin_topics.jsonl").open()]
    by_label = {
        label: [r for r in rows if r["label"] == label][:30]
        for label in ("health", "sports", "travel")
    }
    subset = [row for label_rows in by_label.values() for row in label_rows]
    dataset = tmp_path / "sib-backends.jsonl"
    dataset.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in subset) + "\n")
    env = {
        **os.environ,
        "TEEMA_EMBEDDING_BACKEND": "onnx-int8",
        "TEEMA_LANGUAGE_BACKEND": "simplemma",
    }
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "evaluate", "--dataset", str(dataset), "--json",
         "--backends", "sentence-transformers"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    int8 = NlpResources(Settings(embedding_backend="onnx-int8")).embedder.model_id
    fp32 = NlpResources(Settings(embedding_backend="sentence-transformers")).embedder.model_id
    assert int8 != fp32
    assert result["embedding_backend"] == "onnx-int8" and result["embedding_model"] == int8
    other = result["methods"]["teemakartta[sentence-transformers]"]
    assert other["embedding_model"] == fp32 and other["themes"] >= 2 and other["ari"] > 0.05
    agreement = result["backend_agreement"]["sentence-transformers"]
    # Same notes, two encodings of one model: close but not the same vectors.
    assert 0.98 < agreement["mean_cosine"] < 1.0 and agreement["min_cosine"] > 0.95


def test_hierarchy_merges_only_while_themes_grow_more_distinct() -> None:
    from evaluation.hierarchy import _silhouette_mean, merge_while_distinct
    from service.pipeline.partitions import theme_distinctness

    rng = np.random.default_rng(0)
    # Three far-apart groups of 30 points; the first is cut into two halves.
    points = np.concatenate([rng.normal(centre, 0.3, (30, 2)) for centre in (0.0, 10.0, 20.0)])
    labels = np.repeat([0, 2, 3], 30)
    labels[:15] = 1
    distances = np.linalg.norm(points[:, None] - points[None], axis=-1)
    onehot = np.eye(4)[labels]
    # The O(s k) silhouette used for trial merges is the model's own score.
    fast = _silhouette_mean(distances @ onehot, onehot.sum(axis=0), labels)
    assert fast == pytest.approx(theme_distinctness(distances, labels))
    mapping = merge_while_distinct(distances, labels)
    assert mapping[0] == mapping[1]  # the cut group is joined again
    assert len({mapping[0], mapping[2], mapping[3]}) == 3  # distinct groups stay apart


def test_the_api_bench_finds_the_worker_processes_serve_starts() -> None:
    # serve runs the models in a worker child: the API process's own peak misses them.
    script = (
        "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', "
        "'import time; time.sleep(30)', 'worker']); time.sleep(30)"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(100):
            if descendants(parent.pid):
                break
            time.sleep(0.1)
        assert len(descendants(parent.pid)) == 1
        assert (worker_peak_rss_mb(parent.pid) or 0) > 1
        (worker,) = descendants(parent.pid)
        assert worker_peak_rss_mb(worker) is None  # it started no worker of its own
    finally:
        for child in descendants(parent.pid):
            os.kill(child, 9)
        parent.kill()
        parent.wait()


def test_other_draws_of_the_development_sets_keep_their_shapes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import evaluation.devsets as devsets

    _fake_caches(monkeypatch, devsets)
    reference = devsets.build_sets(shared_file("data"), None, None)
    zero = devsets.build_sets(shared_file("data"), None, None, draw=0)
    assert all(zero[n].notes.ids == reference[n].notes.ids for n in reference)
    other = devsets.build_sets(shared_file("data"), None, None, draw=1)
    for name in ("omastadi_questions", "questions_mixed", "all_labels_drawn"):
        first, second = reference[name].notes, other[name].notes
        assert first.label_names == second.label_names  # the same questions ...
        assert set(first.ids) != set(second.ids)  # ... other notes of each
        sizes = np.bincount(second.labels)
        assert sizes.min() >= 45 and sizes.max() <= 60
    again = devsets.build_sets(shared_file("data"), None, None, draw=1)
    assert all(again[n].notes.ids == other[n].notes.ids for n in other)  # fixed per draw


def test_quality_of_another_draw_goes_to_its_own_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import evaluation.devsets as devsets
    import evaluation.quality as quality

    _fake_caches(monkeypatch, devsets, quality)
    monkeypatch.setattr(quality, "default_embedder_and_analyzer", lambda: (None, None))
    monkeypatch.setattr(quality, "RESULTS", tmp_path / "quality")
    argv = ["--sets", "omastadi_questions", "--methods", "kmeans_true_k", "--seeds", "1"]
    assert quality.main([*argv, "--draw", "2"]) == 0
    drawn = json.loads((tmp_path / "quality_draw2" / "omastadi_questions.json").read_text())
    assert drawn["draw"] == 2 and drawn["methods"]["kmeans_true_k"]["runs"][0]["seed"] == 1
    assert (tmp_path / "quality_draw2_summary.json").is_file()
    assert not (tmp_path / "quality").exists()  # the reference draw's results untouched


@pytest.fixture
def scaling_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """The (size, method) fits ``theme_scaling`` asks for, none of them run."""
    from evaluation.bench import system

    calls: list[tuple[int, str]] = []

    def fake_fit(size: int, method: str) -> dict[str, object]:
        calls.append((size, method))
        return {"method": method, "notes": size, "seconds": size / 100.0}

    monkeypatch.setattr(system, "real_sentences", lambda: ["s"] * 5000)
    monkeypatch.setattr(system, "_scaling_notes", lambda size: ([], np.zeros((0, 2))))
    monkeypatch.setattr(system, "_fit_in_fresh_process", fake_fit)
    return calls


def test_theme_scaling_warms_each_method_up_before_timing_it(
    scaling_calls: list[tuple[int, str]],
) -> None:
    """numba compiles its kernels on the first fit after an install: that fit is untimed,
    so the first measured size is not charged ~25 s of compiling."""
    from evaluation.bench import system

    measured = system.theme_scaling([1000, 4000])
    assert scaling_calls[:2] == [(1000, "ours"), (1000, "bertopic")]  # the untimed warm-up
    assert [(r["notes"], r["method"]) for r in measured["runs"]] == [
        (1000, "ours"),
        (1000, "bertopic"),
        (4000, "bertopic"),
        (4000, "ours"),
    ]
    assert len(scaling_calls) == 6


def test_theme_scaling_times_a_candidate_beside_the_default_warmed_up_once(
    scaling_calls: list[tuple[int, str]],
) -> None:
    """``ours-runs6`` (six UMAP layouts) is timed in the same turns as ours and BERTopic;
    numba's compile is paid once per library, not once per variant."""
    from evaluation.bench import system

    measured = system.theme_scaling([1000, 4000], ("ours", "ours-runs6", "bertopic"))
    assert scaling_calls[:2] == [(1000, "ours"), (1000, "bertopic")]
    assert [r["method"] for r in measured["runs"]] == [
        "ours", "ours-runs6", "bertopic", "bertopic", "ours-runs6", "ours"
    ]  # fmt: skip
    assert set(measured["time_exponent"]) == {"ours", "ours-runs6", "bertopic"}


def test_the_system_plot_names_the_machine_of_each_part() -> None:
    """Parts measured on different machines are not all credited to the first one's CPU."""
    from evaluation.bench.plots import machines_title

    amd = {"cpu_model": "AMD EPYC", "logical_cpus": 2}
    intel = {"cpu_model": "Intel Xeon", "logical_cpus": 2}
    results = {"themes": {"machine": amd}, "ingest": {"machine": intel}, "load": {"machine": intel}}
    assert machines_title(results, ["themes", "ingest", "load"]) == (
        "themes: AMD EPYC, 2 CPUs; ingest, load: Intel Xeon, 2 CPUs"
    )
    assert machines_title(results, ["ingest", "load"]) == "Intel Xeon, 2 CPUs"


def test_typical_rows_are_the_notes_nearest_their_labels_mean_direction() -> None:
    from evaluation.devsets import typical_rows

    rng = np.random.default_rng(0)
    vectors = np.concatenate([rng.normal([5.0, 0.0], 0.3, (40, 2)), [[0.0, 5.0], [-5.0, 0.1]]])
    members = np.arange(42)
    chosen = typical_rows(vectors, members, 40)
    np.testing.assert_array_equal(chosen, np.arange(40))  # the two strays are left out
    assert len(typical_rows(vectors, members[:10], 40)) == 10  # never more than there are


def test_the_typical_sets_keep_the_most_typical_notes_of_each_label(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import evaluation.devsets as devsets

    _fake_caches(monkeypatch, devsets)
    sets = devsets.build_sets(shared_file("data"), None, None)
    pairs = {
        "omastadi_questions_typical": "omastadi_questions",
        "questions_mixed_typical": "questions_mixed",
        "all_labels_typical": "all_labels_drawn",
    }
    for name, drawn in pairs.items():
        typical, other = sets[name], sets[drawn]
        assert typical.shape == other.shape == "question-grouped"
        assert typical.notes.label_names == other.notes.label_names  # the same questions
        sizes = np.bincount(typical.notes.labels)
        assert sizes.min() >= 45 and sizes.max() <= 60
        assert name in devsets.DEV_SETS
    again = devsets.build_sets(shared_file("data"), None, None)
    assert all(again[n].notes.ids == sets[n].notes.ids for n in pairs)  # fixed


def test_the_choice_rules_replay_the_models_own_choice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import evaluation.quality as quality

    monkeypatch.setattr(quality, "CACHE_DIR", tmp_path)  # layouts cached here, not in data/
    rng = np.random.default_rng(0)
    centres = rng.normal(0.0, 1.0, (6, 24))
    vectors = np.concatenate([c + rng.normal(0.0, 0.15, (40, 24)) for c in centres])
    docs = ["sana"] * len(vectors)
    rec = record(vectors, docs, seed=3)
    assert set(rec.kept) == set(rec.distinctness) == set(rec.agreement) == set(rec.counts)
    assert set(rec.spread) == set(rec.kept) and min(rec.spread.values()) >= 0.0
    assert set(rec.kept_distinctness) == set(rec.typical_distinctness) == set(rec.kept)
    # Leaves are kept as the typical layout drew them: the same distinctness.
    leaf = (10, "leaf")
    assert rec.kept_distinctness[leaf] == pytest.approx(rec.typical_distinctness[leaf])
    assert within_spread()(rec) in rec.kept
    assert relative_spread([rec]) >= 0.0
    assert all(len(labels) == len(vectors) for labels in rec.kept.values())
    # The default rule replays the model's own choice and keeps its partition.
    default = next(iter(RULES.values()))
    assert scored()(rec) == rec.chosen
    assert np.array_equal(partition_of(default, rec), rec.kept[rec.chosen])
    plain = ThemeModel(random_state=3).fit(vectors, docs)
    assert plain.granularity_ == rec.chosen
    assigned = plain.labels_ >= 0
    assert adjusted_rand_score(plain.labels_[assigned], rec.kept[rec.chosen][assigned]) == 1.0
    assert np.array_equal(partition_of(fixed((10, "leaf")), rec), rec.kept[(10, "leaf")])


def test_scoring_the_kept_partition_judges_the_giants_split() -> None:
    """The layouts' excess-of-mass partition scores best, but the fit keeps it with its
    giant split, which is less distinct: scored as kept, the leaves win."""
    leaf, eom = (10, "leaf"), (10, "eom")
    kept = {leaf: np.repeat(np.arange(4), 10), eom: np.repeat(np.arange(4), 10)}
    rec = Record(
        distinctness={leaf: 0.060, eom: 0.070},
        agreement={leaf: 0.9, eom: 0.9},
        counts={leaf: 4.0, eom: 3.0},
        kept=kept,
        chosen=eom,
        spread={},
        kept_distinctness={leaf: 0.061, eom: 0.050},
        typical_distinctness={leaf: 0.061, eom: 0.072},
    )
    assert scored()(rec) == eom
    assert kept_scored(adjusted=False)(rec) == leaf
    assert kept_scored(adjusted=True)(rec) == leaf  # 0.070 x 0.050 / 0.072 = 0.049


def test_a_choice_rule_meets_the_bar_only_beating_the_peer_with_a_fitting_count() -> None:
    truth = np.repeat(np.arange(4), 10)
    halves = truth * 2 + (np.arange(40) % 2)  # every label cut in two: 8 themes
    kept = {(5, "leaf"): truth.copy(), (10, "leaf"): halves, (30, "eom"): np.zeros(40, int)}
    keys = list(kept)
    rec = Record(
        dict.fromkeys(keys, 0.1), dict.fromkeys(keys, 0.9), {}, kept, (5, "leaf"), {}, {}, {}
    )
    rec.counts.update({k: float(len(np.unique(v))) for k, v in kept.items()})
    peer = {"ari": 0.5, "nmi": 0.5}
    right = judge(fixed((5, "leaf")), {1: rec, 2: rec}, truth, peer, QUESTION_SHAPE)
    assert right == {"ari": 1.0, "ari_sd": 0.0, "nmi": 1.0, "themes": 4.0, "met": True}
    mixed = judge(fixed((5, "leaf")), {1: rec, 2: replace(rec, kept={**kept, (5, "leaf"): halves})},
                  truth, peer, QUESTION_SHAPE)  # fmt: skip
    assert mixed["ari_sd"] == round((1.0 - adjusted_rand_score(truth, halves)) / 2, 4)
    coarse = judge(fixed((30, "eom")), {1: rec}, truth, peer, QUESTION_SHAPE)
    assert coarse["ari"] == 0.0 and not coarse["met"]
    # Twice the themes of the labels: beats the peer, fails the count on questions only.
    fine = judge(fixed((10, "leaf")), {1: rec}, truth, {"ari": 0.1, "nmi": 0.1}, QUESTION_SHAPE)
    assert fine["ari"] > 0.1 and fine["themes"] == 8.0 and not fine["met"]
    assert judge(fixed((10, "leaf")), {1: rec}, truth, {"ari": 0.1, "nmi": 0.1}, "shared file")[
        "met"
    ]
    # A consensus over the three partitions: notes together in 2 of 3 stay together.
    assert adjusted_rand_score(truth, consensus(0.5)(rec)) == 1.0
    table = {"a": {"s1": right, "s2": coarse}}
    assert summary(table)["a"] == {"met": 1, "of": 2, "mean_ari": 0.5, "not_met": ["s2"]}


def test_reordered_vectors_keep_every_cosine_and_clear_topics_do_not_flip() -> None:
    """evaluation.float_noise: the reordered columns change only the floats' rounding, and
    on topics the data tells apart plainly the default chooses the same both times."""
    from evaluation.float_noise import compare_orders, reordered

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(4, 48))
    truth = np.repeat(np.arange(4), 40)
    vectors = centres[truth] + 0.15 * rng.normal(size=(160, 48))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    other = reordered(vectors)
    assert not np.array_equal(other, vectors)
    assert np.allclose(other @ other.T, vectors @ vectors.T, atol=1e-12)
    run = compare_orders(vectors, ["sana"] * len(vectors), truth, seed=42)
    assert run["as_is"]["ari"] > 0.9 and run["reordered"]["ari"] > 0.9
    assert not run["flipped"]


def test_a_score_spread_is_what_the_layouts_disagree_on() -> None:
    # Layouts that all agree and see the same distinctness: no spread at all.
    assert score_spread([0.3] * 6, np.ones((6, 6)), 2.0) == 0.0
    # One layout unlike the others: a spread, the larger the more it differs.
    agreement = np.ones((6, 6))
    agreement[0, 1:] = agreement[1:, 0] = 0.6
    mild = score_spread([0.3] * 6, agreement, 2.0)
    agreement[0, 1:] = agreement[1:, 0] = 0.2
    assert 0.0 < mild < score_spread([0.3] * 6, agreement, 2.0)
    # The jackknife of a plain mean is its standard error (power 0: distinctness alone).
    values = np.array([0.1, 0.2, 0.4, 0.3])
    expected = values.std(ddof=1) / np.sqrt(len(values))
    assert score_spread(list(values), np.ones((4, 4)), 0.0) == pytest.approx(expected)
    assert score_spread([0.2, 0.4], np.ones((2, 2)), 2.0) == 0.0  # two layouts: no estimate


def test_the_one_spread_rule_ties_only_what_the_best_ones_noise_covers() -> None:
    scores = {"coarse": 0.50, "middle": 0.46, "fine": 0.40}
    counts = {"coarse": 5.0, "middle": 12.0, "fine": 25.0}
    # A noisy best score: every granularity within its spread; the finest wins.
    assert choose_within_spread(scores, {"coarse": 0.2, "middle": 0, "fine": 0}, counts) == "fine"
    # A steady best score: only "middle" is within it.
    assert choose_within_spread(scores, {"coarse": 0.05, "middle": 0, "fine": 0}, counts) == (
        "middle"
    )
    # No spread: the best score alone.
    assert choose_within_spread(scores, dict.fromkeys(scores, 0.0), counts) == "coarse"
    with pytest.raises(ValueError, match="at least one"):
        choose_within_spread({}, {}, {})
