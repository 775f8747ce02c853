"""The comparison in plain words: per group (region), the themes it talks of more or less
than the other groups, as findings with numbers and as Finnish and English sentences:

    "Kainuussa puhutaan muita alueita enemmän teemasta ”X” (18 % vs 6 %; ero epävarma:
     alle 30 muistiinpanoa)."

A finding comes from the weighted log-odds z of ``compare.log_odds_dirichlet`` (the same
as the distinctive-theme ranking) and is called clear only when the small-sample rules
all pass; otherwise its sentence says why it is uncertain. Pure functions on a count
table; the region's inflection comes from ``finnish.in_region`` (Voikko).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from service.analysis import compare
from service.analysis.finnish import format_number, format_percent, in_region

__all__ = ["CLEAR_Z", "REPORT_Z", "group_findings", "in_group_fi"]

REPORT_Z = 1.0  # below one standard error a difference is not worth a sentence
CLEAR_Z = compare.Z95  # two-sided 5 %: a difference this large is unlikely to be chance
MIN_THEME_NOTES = 5  # a share resting on fewer notes than this moves with every note
MAX_MORE, MAX_LESS = 3, 2  # sentences per group: what stands out, not a list of everything

REASONS = {
    "small_group": ("alle {limit} muistiinpanoa", "fewer than {limit} notes"),
    "few_notes": ("vain {count} muistiinpanoa teemassa", "only {count} notes in the theme"),
    "weak": ("voi olla sattumaa (z = {z})", "may be chance (z = {z})"),
    "overlap": ("luottamusvälit limittyvät", "the 95 % intervals overlap"),
}


def _reasons(
    direction: str, group_notes: int, count: int, rest_count: int, z: float, overlap: bool
) -> list[str]:
    """Codes of the small-sample rules a finding breaks (empty: the difference is clear)."""
    reasons = []
    if group_notes < compare.MIN_GROUP_NOTES:
        reasons.append("small_group")
    # "More" rests on the group's notes in the theme, "less" on the others'.
    if (count if direction == "more" else rest_count) < MIN_THEME_NOTES:
        reasons.append("few_notes")
    if abs(z) < CLEAR_Z:
        reasons.append("weak")
    if overlap:
        reasons.append("overlap")
    return reasons


def _reason_text(finding: dict[str, Any], lang: str) -> str:
    index = 0 if lang == "fi" else 1
    values = {
        "limit": compare.MIN_GROUP_NOTES,
        "count": finding["count"] if finding["direction"] == "more" else finding["rest_count"],
        "z": format_number(finding["z"], lang, 1),
    }
    return ", ".join(REASONS[code][index].format(**values) for code in finding["reasons"])


def _capital(sentence: str) -> str:
    """'alueella ”X” ...' starts a sentence as 'Alueella ”X” ...'."""
    return sentence[:1].upper() + sentence[1:]


# Groups whose values are codes (kinds of document, speakers' roles), in words: where a
# Finnish sentence starts, and what an English one calls them.
_CODED_GROUPS: dict[tuple[str, str], tuple[str, str]] = {
    ("kind", "workshop"): ("Työpajoissa", "workshops"),
    ("kind", "project_description"): ("Hankekuvauksissa", "project descriptions"),
    ("kind", "transcript"): ("Litteroinneissa", "transcripts"),
    ("kind", "other"): ("Muissa dokumenteissa", "other documents"),
    ("speaker_role", "facilitator"): (
        "Fasilitaattorien puheenvuoroissa",
        "the facilitators' turns",
    ),
    ("speaker_role", "participant"): ("Osallistujien puheenvuoroissa", "the participants' turns"),
}


def in_group_fi(group: str, by: str) -> str:
    """Where a Finnish sentence about a group starts: "Kainuussa", "Alueella ”Useita
    alueita”" (a region Voikko cannot inflect), "Litteroinneissa" (a kind of document or a
    speaker's role), "Ryhmässä ”Foorumi 2021”" (any other grouping)."""
    if by == "region":
        return _capital(in_region(group))
    coded = _CODED_GROUPS.get((by, group))
    return coded[0] if coded else f"Ryhmässä ”{group}”"


def _in_group_en(group: str, by: str) -> str:
    """ "In Kainuu", "In transcripts", "In the participants' turns"."""
    coded = _CODED_GROUPS.get((by, group))
    return f"In {coded[1] if coded else group}"


def finding_sentence(finding: dict[str, Any], by: str, lang: str) -> str:
    """One finding as a sentence in ``lang`` ("fi" or "en")."""
    group, theme = finding["group"], finding["theme_name"]
    share = format_percent(finding["share"], lang)
    rest = format_percent(finding["rest_share"], lang)
    more = finding["direction"] == "more"
    if lang == "fi":
        certainty = (
            "selvä ero"
            if not finding["reasons"]
            else "ero epävarma: " + _reason_text(finding, lang)
        )
        how = "enemmän" if more else "vähemmän"
        others = "muita alueita" if by == "region" else "muita"
        return (
            f"{in_group_fi(group, by)} puhutaan {others} {how} teemasta ”{theme}” "
            f"({share} vs {rest}; {certainty})."
        )
    certainty = (
        "clear difference"
        if not finding["reasons"]
        else ("uncertain difference: " + _reason_text(finding, lang))
    )
    how = "more" if more else "less"
    others = "in the other regions" if by == "region" else "elsewhere"
    return (
        f"{_in_group_en(group, by)}, the theme “{theme}” comes up {how} than {others} "
        f"({share} vs {rest}; {certainty})."
    )


def quiet_sentence(group: str, by: str, lang: str) -> str:
    """What to say of a group where no theme stands out."""
    if lang == "fi":
        others = " alueista" if by == "region" else ""
        return f"{in_group_fi(group, by)} mikään teema ei erotu muista{others}."
    others = "the other regions" if by == "region" else "the rest"
    return f"{_in_group_en(group, by)}, no theme stands out from {others}."


def _candidates(
    group: str,
    i: int,
    counts: np.ndarray,
    themes: list[tuple[int | None, str]],
    assigned: list[int],
    z: np.ndarray,
) -> list[dict[str, Any]]:
    """Group ``i``'s findings: every assigned theme whose |z| reaches REPORT_Z, with the
    group's share and the other groups' pooled share, their intervals, and the reasons
    the difference is uncertain."""
    totals = counts.sum(axis=1)
    rest = counts.sum(axis=0) - counts[i]
    rest_total = int(rest.sum())
    low, high = compare.wilson_interval(counts[i], totals[i])
    rest_low, rest_high = compare.wilson_interval(rest, rest_total)
    found = []
    for c, j in enumerate(assigned):
        score = float(z[i, c])
        if abs(score) < REPORT_Z:
            continue
        direction = "more" if score > 0 else "less"
        overlap = bool(low[j] <= rest_high[j] and rest_low[j] <= high[j])
        reasons = _reasons(
            direction, int(totals[i]), int(counts[i, j]), int(rest[j]), score, overlap
        )
        found.append(
            {
                "group": group,
                "theme_id": themes[j][0],
                "theme_name": themes[j][1],
                "direction": direction,
                "count": int(counts[i, j]),
                "share": float(counts[i, j] / totals[i]) if totals[i] else 0.0,
                "ci_low": float(low[j]),
                "ci_high": float(high[j]),
                "rest_count": int(rest[j]),
                "rest_share": float(rest[j] / rest_total) if rest_total else 0.0,
                "rest_low": float(rest_low[j]),
                "rest_high": float(rest_high[j]),
                "z": score,
                "reasons": reasons,
                "clear": not reasons,
            }
        )
    return found


def group_findings(
    groups: list[str],
    themes: list[tuple[int | None, str]],
    counts: np.ndarray,
    by: str = "region",
) -> list[dict[str, Any]]:
    """Findings and sentences per group.

    ``counts`` (g, t) counts notes per group and theme column; ``themes`` names the
    columns as (key, name), key None for the unassigned column (counted in the shares'
    totals, left out of the log-odds like everywhere else). Returns one dict per group:
    ``{group, notes, findings: [...], sentences: {"fi": [...], "en": [...]}}``; each
    finding has theme_id, theme_name, direction ("more"/"less"), count, share, ci_low,
    ci_high, rest_count, rest_share, rest_low, rest_high, z, clear, reasons (codes).
    At most MAX_MORE themes a group talks of more and MAX_LESS it talks of less.
    """
    counts = np.asarray(counts, dtype=np.int64).reshape(len(groups), len(themes))
    assigned = [j for j, (key, _name) in enumerate(themes) if key is not None]
    comparable = len(groups) >= 2 and bool(assigned)
    z = compare.log_odds_dirichlet(counts[:, assigned])[1] if comparable else None
    result = []
    for i, group in enumerate(groups):
        found = _candidates(group, i, counts, themes, assigned, z) if z is not None else []
        more = sorted((f for f in found if f["direction"] == "more"), key=lambda f: -f["z"])
        less = sorted((f for f in found if f["direction"] == "less"), key=lambda f: f["z"])
        findings = more[:MAX_MORE] + less[:MAX_LESS]
        sentences: dict[str, list[str]] = {"fi": [], "en": []}
        if comparable:
            sentences = {
                lang: [finding_sentence(f, by, lang) for f in findings]
                or [quiet_sentence(group, by, lang)]
                for lang in ("fi", "en")
            }
        notes = int(counts[i].sum())
        result.append(
            {"group": group, "notes": notes, "findings": findings, "sentences": sentences}
        )
    return result
