"""The Word report: a briefing a coordinator can edit and hand on (python-docx).

Every piece of user text (theme names, notes, file names, regions, actor names) goes in
as a plain run of text: python-docx writes it as ``<w:t>`` data, so nothing in it becomes
a field code, a hyperlink or a formula; characters XML cannot hold are dropped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from docx import Document as new_document
from docx.document import Document
from docx.shared import Cm, Pt

from service.analysis.finnish import format_number, format_p, format_percent
from service.report import figures
from service.report.content import ReportContent, quotes, theme_description
from service.report.texts import text

# Control characters other than tab and newline cannot be stored in XML at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_REGIONS_IN_TABLE = 30


def plain(value: Any) -> str:
    return _NOT_XML.sub("", str(value))


def _table(document: Document, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Light List Accent 1"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = plain(title)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = plain(value)
    document.add_paragraph()


def _count(value: int, lang: str) -> str:
    return format_number(value, lang, 0)


def _summary(document: Document, content: ReportContent, lang: str) -> None:
    document.add_heading(text("summary", lang), level=1)
    run = content.table["run"]
    document.add_paragraph(
        text(
            "summary_text",
            lang,
            documents=_count(len(content.documents), lang),
            notes=_count(content.notes, lang),
            regions=_count(len(content.regions), lang),
            themes=_count(len(content.table["themes"]), lang),
            unassigned=format_percent(run["unassigned_share"], lang, 1),
        )
    )
    if content.dates:
        document.add_paragraph(text("dates", lang, first=content.dates[0], last=content.dates[-1]))
    undated = sum(1 for d in content.documents if not d["date"])
    if undated:
        document.add_paragraph(text("undated_documents", lang, count=undated))
    document.add_heading(text("documents", lang), level=2)
    _table(
        document,
        [text(k, lang) for k in ("col_file", "col_kind", "col_region", "col_date", "col_notes")],
        [
            [
                d["filename"],
                text(f"kind_{d['kind']}", lang),
                d["region"],
                d["date"] or "–",
                _count(d["notes"], lang),
            ]
            for d in content.documents
        ],
    )
    document.add_heading(text("regions", lang), level=2)
    _table(
        document,
        [text("col_region", lang), text("col_notes", lang)],
        [[region, _count(n, lang)] for region, n in content.regions.items()],
    )


def _theme_sentences(content: ReportContent, theme_id: int, lang: str) -> list[str]:
    """The comparison's sentences about one theme, over all regions."""
    found = []
    for group in content.compare.get("findings") or []:
        for finding, sentence in zip(group["findings"], group["sentences"][lang], strict=False):
            if finding["theme_id"] == theme_id:
                found.append(sentence)
    return found


def _themes(document: Document, content: ReportContent, lang: str) -> None:
    document.add_heading(text("themes", lang), level=1)
    for theme in content.table["themes"]:
        document.add_heading(
            plain(
                text(
                    "theme_heading",
                    lang,
                    name=theme["name"],
                    size=_count(theme["size"], lang),
                    share=format_percent(theme["share"], lang, 1),
                )
            ),
            level=2,
        )
        description, described = theme_description(theme)
        if description:
            line = description if described else text("representative", lang, text=description)
            document.add_paragraph(plain(line))
        if theme.get("keywords"):
            words = ", ".join(str(w) for w in theme["keywords"][:8])
            document.add_paragraph(plain(text("keywords", lang, words=words)))
        shares = list(theme["region_share"].items())[:MAX_REGIONS_IN_TABLE]
        if shares:
            document.add_paragraph(text("share_per_region", lang), style="Heading 4")
            _table(
                document,
                [text("col_region", lang), text("col_share", lang)],
                [[region, format_percent(share, lang, 1)] for region, share in shares],
            )
        for sentence in _theme_sentences(content, theme["id"], lang):
            document.add_paragraph(plain(sentence), style="List Bullet")
        found = quotes(theme)
        if found:
            document.add_paragraph(text("quotes", lang), style="Heading 4")
            for quote, parent in found:
                paragraph = document.add_paragraph(style="Quote")
                # A sub-bullet ("Kiinnostava kokonaisuus") means little without its bullet.
                under = " " + text("quote_under", lang, parent=parent) if parent else ""
                paragraph.add_run(plain(f"”{quote}”{under}"))


def _comparison(document: Document, content: ReportContent, lang: str) -> None:
    document.add_heading(text("comparison", lang), level=1)
    report = content.compare
    if report.get("chi2") is None:
        document.add_paragraph(text("comparison_none", lang))
    else:
        document.add_paragraph(
            text(
                "comparison_stats",
                lang,
                chi2=format_number(report["chi2"], lang, 1),
                dof=report["dof"],
                p=format_p(report["p"], lang),
                v=format_number(report["cramers_v"], lang, 2),
                n=_count(report["test_notes"], lang),
            )
        )
        for group in report.get("findings") or []:
            document.add_heading(plain(group["group"]), level=3)
            for sentence in group["sentences"][lang]:
                document.add_paragraph(plain(sentence), style="List Bullet")
    _pictures(document, content, lang)


def _pictures(document: Document, content: ReportContent, lang: str) -> None:
    themes = content.table["themes"]
    regions = sorted(content.regions)
    if themes and regions:
        document.add_heading(text("heatmap", lang), level=2)
        shares = np.array([[t["region_share"].get(r, 0.0) for t in themes] for r in regions])
        png = figures.heatmap_png(regions, [t["name"] for t in themes], shares, lang)
        document.add_picture(io.BytesIO(png), width=Cm(16))
        document.add_paragraph(text("heatmap_caption", lang), style="Caption")
    if content.positions["x"]:
        document.add_heading(text("map", lang), level=2)
        names = {int(t["id"]): str(t["name"]) for t in themes}
        document.add_picture(io.BytesIO(figures.map_png(content.positions, names)), width=Cm(16))
        document.add_paragraph(text("map_caption", lang), style="Caption")


def _needs(document: Document, content: ReportContent, lang: str) -> None:
    document.add_heading(text("needs", lang), level=1)
    overall = content.needs["overall"]
    if overall["missing"]:
        kinds = ", ".join(text(f"kind_{k}", lang) for k in overall["missing"])
        document.add_paragraph(text("needs_missing", lang, kinds=kinds))
        return
    document.add_paragraph(
        text(
            "needs_text",
            lang,
            need=_count(overall["need_notes"], lang),
            project=_count(overall["project_notes"], lang),
        )
    )
    rows = [r for r in overall["themes"] if r["status"] in ("gap", "orphan")]
    if not rows:
        document.add_paragraph(text("needs_no_findings", lang))
    _table(
        document,
        [text(k, lang) for k in ("col_theme", "col_workshops", "col_projects", "col_status")],
        [
            [
                r["theme_name"],
                format_percent(r["need_share"], lang, 1),
                format_percent(r["project_share"], lang, 1),
                text(f"status_{r['status']}", lang),
            ]
            for r in overall["themes"]
        ],
    )
    for row in rows:
        document.add_paragraph(plain(row["sentence"][lang]), style="List Bullet")


def _actors(document: Document, content: ReportContent, lang: str) -> None:
    document.add_heading(text("actors", lang), level=1)
    document.add_paragraph(text("actors_text", lang))
    if content.actors is None:
        document.add_paragraph(text("actors_unavailable", lang))
        return
    found = content.actors.get("actors") or []
    if not found:
        document.add_paragraph(text("actors_none", lang))
        return
    _table(
        document,
        [text(k, lang) for k in ("col_actor", "col_type", "col_notes", "col_region", "col_themes")],
        [
            [
                a["name"],
                text(f"actor_{a['kind']}", lang),
                _count(a["notes"], lang),
                ", ".join(a["regions"]),
                ", ".join(t["theme_name"] for t in a["themes"][:3]),
            ]
            for a in found[:40]
        ],
    )


_SQUARES = {1.0: "", 2.0: "²", 3.0: "³"}


def method_choice(params: dict[str, Any], lang: str) -> str | None:
    """How the run chose its number of themes, in words, from the settings it stored
    (None for a run stored without them)."""
    try:
        sizes = sorted({int(size) for size, _ in params["granularities"]})
        power = float(params["reproducibility_power"])
        values = {
            "count": len(params["granularities"]),
            "low": sizes[0],
            "high": sizes[-1],
            "runs": int(params["n_runs"]),
            "dims": int(params["n_components"]),
            "power": _SQUARES.get(power, f"^{format_number(power, lang, 1)}"),
            "tie": format_number(100 * float(params["score_tie"]), lang, 0),
        }
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    choice = text("method_choice", lang, **values)
    detail = int(params.get("detail") or 0)
    if detail:
        key = "method_coarser" if detail < 0 else "method_finer"
        choice += " " + text(key, lang, level=f"{detail:+d}")
    sample = params.get("fit_sample")
    if isinstance(sample, dict) and {"notes", "fitted_on"} <= sample.keys():
        fitted, notes = int(sample["fitted_on"]), int(sample["notes"])
        choice += " " + text(
            "method_sample",
            lang,
            fitted=format_number(fitted, lang, 0),
            rest=format_number(notes - fitted, lang, 0),
        )
    return choice


def _method(document: Document, content: ReportContent, lang: str) -> None:
    document.add_heading(text("method", lang), level=1)
    run = content.table["run"]
    model = content.model_id or "–"
    document.add_paragraph(plain(text("method_model", lang, model=model)))
    document.add_paragraph(
        text(
            "method_run",
            lang,
            run=run["id"],
            date=str(run["created_at"])[:10],
            notes=_count(run["note_count"], lang),
            unassigned=format_percent(run["unassigned_share"], lang, 1),
            seconds=format_number(run["fit_seconds"], lang, 1),
        )
    )
    filters = ", ".join(f"{k} = {v}" for k, v in sorted((run.get("filters") or {}).items()) if v)
    document.add_paragraph(
        plain(text("method_filters", lang, filters=filters or text("method_none", lang)))
    )
    document.add_paragraph(text("method_themes", lang))
    choice = method_choice(run.get("params") or {}, lang)
    if choice:
        document.add_paragraph(choice)
    document.add_paragraph(text("method_stats", lang))
    # Last, for whoever repeats the run: the settings exactly as stored.
    settings = ", ".join(f"{k} = {v}" for k, v in sorted((run.get("params") or {}).items()))
    document.add_paragraph(plain(text("method_settings", lang, settings=settings or "–")))


def write_report(content: ReportContent, lang: str) -> bytes:
    """The report as .docx bytes, in ``lang`` ("fi" or "en")."""
    document = new_document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10.5)
    document.core_properties.title = plain(text("title", lang, project=content.project))
    document.core_properties.language = "fi-FI" if lang == "fi" else "en-GB"
    document.add_heading(plain(text("title", lang, project=content.project)), level=0)
    document.add_paragraph(text("made", lang, date=content.made.isoformat()))
    for section in (_summary, _themes, _comparison, _needs, _actors, _method):
        section(document, content, lang)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
