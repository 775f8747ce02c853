"""The encoder benchmark's picture (bench_encoder.png): speed, fidelity and ARI per data set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from evaluation.bench.encoder import FP32, INT8, TARGETS


def plot_encoder(report: dict[str, Any], path: Path) -> Path:
    """Three panels per data set: notes/s of both encoders, cosine histogram, ARI."""
    import matplotlib

    matplotlib.use("Agg")  # files only; no display on servers
    import matplotlib.pyplot as plt

    names = list(report["datasets"])
    short = [name.split("_")[0] for name in names]
    rows = [report["datasets"][name] for name in names]
    x = np.arange(len(names))
    fig, (speed_ax, cosine_ax, ari_ax) = plt.subplots(1, 3, figsize=(15, 4.6))
    for offset, name, colour in ((-0.2, FP32, "#9e9e9e"), (0.2, INT8, "#1f77b4")):
        speed_ax.bar(x + offset, [r["speed"][name]["notes_per_s"] for r in rows], 0.4,
                     label=name, color=colour)  # fmt: skip
        ari_ax.bar(x + offset, [r["ari"]["fp32" if name == FP32 else "int8"] for r in rows], 0.4,
                   label=name, color=colour)  # fmt: skip
    for i, (name, r) in enumerate(zip(names, rows, strict=True)):
        label = f"{r['speed']['speedup_median_of_chunks']:.1f}x"
        if name in report["single_thread_control"]:
            label += (
                f"\n1 thr {report['single_thread_control'][name]['speedup_median_of_chunks']:.1f}x"
            )
        speed_ax.annotate(label, (i + 0.2, r["speed"][INT8]["notes_per_s"]), ha="center",
                          va="bottom", fontsize=8)  # fmt: skip
    speed_ax.set(xticks=x, xticklabels=short, ylabel="notes / s (wall, 2 cores)",
                 title="Speed (median chunk speedup; 1-thread control)")  # fmt: skip
    speed_ax.margins(y=0.2)
    edges = np.linspace(0.98, 1.0, 41)
    for name, r in zip(short, rows, strict=True):
        counts = np.asarray(r["cosine"]["histogram"], dtype=float)
        cosine_ax.step(edges[:-1], counts / max(counts.sum(), 1), where="post",
                       label=f"{name} (min {r['cosine']['min']:.4f})")  # fmt: skip
    cosine_ax.axvline(TARGETS["cosine_min"], color="red", linestyle=":", label="target 0.99")
    cosine_ax.set(xlabel="cosine(int8, fp32) per note", ylabel="share of notes",
                  title="Fidelity to float32", xlim=(0.985, 1.0))  # fmt: skip
    ari_ax.set(xticks=x, xticklabels=short, ylabel="ARI vs labels",
               title="k-means (true k, seed 0)")  # fmt: skip
    for axis in (speed_ax, cosine_ax, ari_ax):
        axis.legend(fontsize=8)
    machine = report["machine"]
    fig.suptitle(f"Encoder: {machine['cpu_model']}, {machine['physical_cores']} cores, "
                 f"load {machine['load_average'][0]:.1f}; {report['machine']['timestamp']}"
                 + (" (quick sample)" if report["quick"] else ""), fontsize=10)  # fmt: skip
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
