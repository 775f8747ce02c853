"""The system benchmark's picture: one panel per measured part, targets as dashed lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot_system(results: dict[str, Any], path: Path) -> Path | None:
    """Write ``path`` (PNG) from ``bench_system.json``'s content; None if nothing to draw."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        (name, draw)
        for name, draw in (
            ("themes", _themes),
            ("ingest", _ingest),
            ("load", _load),
            ("startup", _startup),
        )
        if name in results
    ]
    if not panels:
        return None
    figure, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.2))
    for axis, (name, draw) in zip(axes if len(panels) > 1 else [axes], panels, strict=True):
        draw(axis, results[name])
    title = machines_title(results, [name for name, _ in panels])
    figure.suptitle(f"Teemakartta system bench — {title}", fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def machines_title(results: dict[str, Any], names: list[str]) -> str:
    """The machine each drawn part was measured on: "AMD EPYC, 2 CPUs" when all agree,
    else "themes: AMD EPYC, 2 CPUs; ingest, load: Intel Xeon, 2 CPUs"."""
    parts_of: dict[str, list[str]] = {}
    for name in names:
        machine = results[name]["machine"]
        parts_of.setdefault(f"{machine['cpu_model']}, {machine['logical_cpus']} CPUs", []).append(
            name
        )
    if len(parts_of) == 1:
        return next(iter(parts_of))
    return "; ".join(f"{', '.join(parts)}: {cpu}" for cpu, parts in parts_of.items())


def _themes(axis: Any, part: dict[str, Any]) -> None:
    colours = {"ours": "tab:blue", "bertopic": "tab:orange"}  # candidates: green, red, ...
    others = iter(["tab:green", "tab:red", "tab:purple", "tab:brown"])
    for method in dict.fromkeys(r["method"] for r in part["runs"]):
        colour = colours.get(method) or next(others, "tab:grey")
        rows = sorted((r for r in part["runs"] if r["method"] == method), key=lambda r: r["notes"])
        if rows:
            exponent = part["time_exponent"].get(method)
            axis.loglog(
                [r["notes"] for r in rows],
                [r["seconds"] for r in rows],
                "o-",
                color=colour,
                label=f"{method} (time ~ n^{exponent})",
            )
    axis.axhline(120, color="grey", linestyle="--", linewidth=1)
    axis.text(1000, 125, "target: 16k notes < 120 s", fontsize=8, color="grey")
    axis.set_xlabel("notes")
    axis.set_ylabel("fit seconds")
    axis.set_title("Theme run scaling (embeddings cached)")
    axis.legend(fontsize=8)


def _ingest(axis: Any, part: dict[str, Any]) -> None:
    names = list(part["datasets"])
    positions = range(len(names))
    for offset, key, label in (
        (-0.2, "ratio", "spaCy + Voikko"),
        (0.2, "ratio_simplemma", "simplemma"),
    ):
        ratios = [part["datasets"][n].get(key) or 0 for n in names]
        axis.bar([x + offset for x in positions], ratios, width=0.4, label=label)
        for x, ratio in zip(positions, ratios, strict=True):
            axis.text(x + offset, ratio + 0.02, f"{ratio:.2f}", ha="center", fontsize=8)
    axis.axhline(0.9, color="grey", linestyle="--", linewidth=1)
    axis.set_xticks(list(positions), [n.split("_")[0] for n in names])
    axis.set_ylim(0, 1.2)
    axis.set_ylabel("ingest notes/s ÷ encoder notes/s")
    axis.set_title("End-to-end ingest vs encoder (target 0.9)")
    axis.legend(fontsize=8, loc="lower right")


def _load(axis: Any, part: dict[str, Any]) -> None:
    endpoints = part["one_endpoint_at_a_time"]["endpoints"]
    names = list(endpoints)
    p50 = [endpoints[n]["p50_ms"] for n in names]
    p95 = [endpoints[n]["p95_ms"] for n in names]
    positions = range(len(names))
    axis.bar([x - 0.2 for x in positions], p50, width=0.4, label="p50")
    axis.bar([x + 0.2 for x in positions], p95, width=0.4, label="p95")
    axis.axhline(200, color="grey", linestyle="--", linewidth=1)
    axis.set_yscale("log")
    axis.set_xticks(list(positions), names, rotation=20, fontsize=8)
    axis.set_ylabel("ms")
    axis.set_title(f"20 clients, {part['notes']:,} notes (target p95 < 200 ms)")
    axis.legend(fontsize=8)


def _startup(axis: Any, part: dict[str, Any]) -> None:
    names = ["cli_help_seconds", "api_ready_seconds", "second_make_run_ready_seconds"]
    targets = [1, 3, 30]
    values = [part.get(n) or 0 for n in names]
    labels = ["--help", "API ready", "2nd make run"]
    axis.bar(range(3), values, color="tab:purple")
    for x, (value, target) in enumerate(zip(values, targets, strict=True)):
        axis.hlines(target, x - 0.4, x + 0.4, colors="grey", linestyles="--")
        axis.text(x, value * 1.1 + 0.01, f"{value:.2f} s", ha="center", fontsize=9)
    axis.set_yscale("log")
    axis.set_xticks(range(3), labels)
    axis.set_ylabel("seconds (dashed: target)")
    axis.set_title("Start-up")
