"""What a run does to the themes people edited, as data and as sentences.

``edited_changes`` compares the current run's assignment with a new one for every edited
theme: where its notes went, what joined it, whether it is gone. A run that takes notes
out of an edited theme, brings other themes' notes into it or removes it needs a
person's confirmation (``needs_confirmation``); new notes joining it do not.
``broke_up`` finds unedited themes that are gone with their notes spread over themes that
stay. ``sentences`` says it all in Finnish or English, in the conditional for a draft ("would
move") and in the past for an applied run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from typing import Any

from service.pipeline.matching import PART_SHARE

OUT = "out"  # a note of the previous run that this run does not cover (filters)


def edited_changes(
    edited: Collection[int],
    previous_of_note: Mapping[int, int | None],
    new_of_note: Mapping[int, int | None],
    new_keys: Collection[int],
) -> list[dict[str, Any]]:
    """Per edited theme key: notes before and after, where its notes went (``left``:
    [{"to": key | None | "out", "notes": n}]), where its new notes came from (``joined``:
    [{"from": key | None, "notes": n}], None = unassigned), new notes joining
    (``joined_new``) and whether it is gone (``vanished``)."""
    changes = []
    for key in sorted(edited):
        before = {n for n, k in previous_of_note.items() if k == key}
        after = {n for n, k in new_of_note.items() if k == key}
        left: Counter[Any] = Counter(new_of_note.get(n, OUT) for n in before - after)
        joined: Counter[Any] = Counter(
            previous_of_note[n] for n in after - before if n in previous_of_note
        )
        changes.append(
            {
                "theme": key,
                "before": len(before),
                "after": len(after),
                "vanished": key not in set(new_keys),
                "left": [{"to": k, "notes": c} for k, c in _ordered(left)],
                "joined": [{"from": k, "notes": c} for k, c in _ordered(joined)],
                "joined_new": sum(1 for n in after - before if n not in previous_of_note),
            }
        )
    return changes


def moves(
    previous_of_note: Mapping[int, int | None],
    new_of_note: Mapping[int, int | None],
    persisted: Collection[int],
    edited: Collection[int],
) -> list[dict[str, Any]]:
    """Notes that moved between themes of both runs that nobody edited (edited themes are
    in ``edited_changes``): [{"from": key, "to": key, "notes": n}], most first."""
    kept = set(persisted) - set(edited)
    counts: Counter[tuple[int, int]] = Counter(
        (before, new_of_note[n])  # type: ignore[misc]
        for n, before in previous_of_note.items()
        if before in kept and new_of_note.get(n) in kept and new_of_note[n] != before
    )
    return [{"from": a, "to": b, "notes": c} for (a, b), c in _ordered(counts)]


def broke_up(
    previous_of_note: Mapping[int, int | None],
    new_of_note: Mapping[int, int | None],
    persisted: Collection[int],
    edited: Collection[int],
) -> list[dict[str, Any]]:
    """Unedited themes of the previous run that are gone, whose notes went to two or more
    themes that stay, each taking at least ``PART_SHARE`` of them (a split into kept
    themes, which ``change_report`` also lists as one merge per theme it went to):
    [{"from": key, "to": [{"to": key, "notes": n}]}], most first."""
    kept = set(persisted)
    went: defaultdict[int, Counter[int]] = defaultdict(Counter)
    for note, before in previous_of_note.items():
        after = new_of_note.get(note)
        if before is not None and before not in kept and before not in edited:
            went[before][after if after in kept else -1] += 1  # -1: unassigned, out, new theme
    result = []
    for key, counts in sorted(went.items()):
        parts = [(k, c) for k, c in _ordered(counts) if c >= PART_SHARE * counts.total()]
        if len(parts) > 1 and all(k != -1 for k, _ in parts):
            result.append({"from": key, "to": [{"to": k, "notes": c} for k, c in parts]})
    return result


def _ordered(counts: Counter[Any]) -> list[tuple[Any, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))


def needs_confirmation(changes: list[dict[str, Any]]) -> bool:
    """True when an edited theme would lose notes, gain other themes' notes or vanish."""
    return any(c["vanished"] or c["left"] or c["joined"] for c in changes)


# (Finnish, English) per fact; [0] past, [1] conditional; {n} notes, {name}/{other} names.
_PHRASES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "moved": (
        ("{n} siirtyi teemaan '{other}'", "{n} siirtyisi teemaan '{other}'"),
        ("{n} moved to theme '{other}'", "{n} would move to theme '{other}'"),
    ),
    "moved_too": (  # a further part of a sentence that said "moved" already
        ("{n} teemaan '{other}'",) * 2,
        ("{n} to theme '{other}'",) * 2,
    ),
    "unassigned": (
        ("{n} jäi ilman teemaa", "{n} jäisi ilman teemaa"),
        ("{n} became unassigned", "{n} would become unassigned"),
    ),
    "out": (
        (
            "{n} ei ole mukana tässä ajossa (rajaukset)",
            "{n} ei olisi mukana tässä ajossa (rajaukset)",
        ),
        ("{n} {are} not in this run (filters)", "{n} would not be in this run (filters)"),
    ),
    "came": (
        ("{n} tuli teemasta '{other}'", "{n} tulisi teemasta '{other}'"),
        ("{n} came from theme '{other}'", "{n} would come from theme '{other}'"),
    ),
    "came_unassigned": (
        ("{n} tuli teemattomista", "{n} tulisi teemattomista"),
        ("{n} came from the unassigned notes", "{n} would come from the unassigned notes"),
    ),
    "new_notes": (
        ("{n} liittyi teemaan", "{n} liittyisi teemaan"),
        ("{n} joined it", "{n} would join it"),
    ),
    "vanished": (
        ("Teema '{name}' poistui.", "Teema '{name}' poistuisi."),
        ("Theme '{name}' disappeared.", "Theme '{name}' would disappear."),
    ),
    "same": (
        ("Teema '{name}' säilyi ennallaan ({n}).", "Teema '{name}' säilyisi ennallaan ({n})."),
        ("Theme '{name}' stayed as it was ({n}).", "Theme '{name}' would stay as it is ({n})."),
    ),
    "new_themes": (
        ("Uusia teemoja: {n} ({names}).", "Uusia teemoja: {n} ({names})."),
        ("New themes: {n} ({names}).", "New themes: {n} ({names})."),
    ),
    "gone_themes": (
        ("Poistuneita teemoja: {n} ({names}).", "Poistuvia teemoja: {n} ({names})."),
        ("Themes gone: {n} ({names}).", "Themes that would go: {n} ({names})."),
    ),
    "split": (
        ("Teema '{name}' jakautui: {names}.", "Teema '{name}' jakautuisi: {names}."),
        ("Theme '{name}' split into {names}.", "Theme '{name}' would split into {names}."),
    ),
    "broke_up": (
        ("Teema '{name}' hajosi: {parts}.", "Teema '{name}' hajoaisi: {parts}."),
        ("Theme '{name}' broke up: {parts}.", "Theme '{name}' would break up: {parts}."),
    ),
    "merged": (
        (
            "Teemat {names} yhdistyivät teemaksi '{name}'.",
            "Teemat {names} yhdistyisivät teemaksi '{name}'.",
        ),
        ("Themes {names} merged into '{name}'.", "Themes {names} would merge into '{name}'."),
    ),
    "unchanged": (
        ("Teemat pysyivät ennallaan.", "Teemat pysyisivät ennallaan."),
        ("The themes stayed as they were.", "The themes would stay as they are."),
    ),
    "first": (
        ("Ensimmäinen ajo: {n} teemaa.", "Ensimmäinen ajo: {n} teemaa."),
        ("First run: {n} themes.", "First run: {n} themes."),
    ),
    # A run fitted on a sample (fitting.py): true of a draft and an applied run alike.
    "sampled": (
        (
            "Teemat haettiin {fitted} muistiinpanon otoksesta ({total} muistiinpanosta); "
            "muut {rest} liitettiin lähimpään teemaan.",
        )
        * 2,
        (
            "Themes were found in a sample of {fitted} of the {total} notes; the other "
            "{rest} joined their nearest theme.",
        )
        * 2,
    ),
}
# Moves between unedited themes: {verb} agrees with the count and the run's status.
_MOVES = {
    "fi": (
        "Teemasta '{name}' {verb} {n} teemaan '{other}'.",
        "Lisäksi {n} {verb} muiden teemojen välillä.",
    ),
    "en": (
        "{n} {verb} from theme '{name}' to theme '{other}'.",
        "Another {n} {verb} between other themes.",
    ),
}
_LANGUAGES = ("fi", "en")
_NAMES_SHOWN = 5


def _notes(count: int, language: str, new: bool = False) -> str:
    if language == "fi":
        if new:
            return f"{count} uusi muistiinpano" if count == 1 else f"{count} uutta muistiinpanoa"
        return f"{count} muistiinpano" if count == 1 else f"{count} muistiinpanoa"
    noun = "note" if count == 1 else "notes"
    return f"{count} new {noun}" if new else f"{count} {noun}"


def _say(fact: str, language: str, draft: bool, **values: Any) -> str:
    return _PHRASES[fact][_LANGUAGES.index(language)][int(draft)].format(**values)


def _quoted(names: list[str], language: str) -> str:
    shown = [f"'{n}'" for n in names[:_NAMES_SHOWN]]
    more = len(names) - len(shown)
    if more:
        shown.append(f"+{more}")
    joiner = " ja " if language == "fi" else " and "
    return ", ".join(shown[:-1]) + joiner + shown[-1] if len(shown) > 1 else "".join(shown)


def sentences(report: Mapping[str, Any], language: str, draft: bool) -> list[str]:
    """The report of a run (``ThemeRun.changes``) in words, edited themes first.

    ``report["names"]`` holds {"before": {key: name}, "after": {key: name}} (keys as
    strings, as JSON stores them)."""
    if language not in _LANGUAGES:
        raise ValueError(f"language is one of {_LANGUAGES}")
    names = report.get("names") or {}
    before, after = names.get("before", {}), names.get("after", {})

    def name(key: Any) -> str:
        return str(after.get(str(key)) or before.get(str(key)) or f"#{key}")

    lines = [
        line
        for change in report.get("edited", [])
        for line in _edited_lines(change, name, language, draft)
    ]
    lines += _overall_lines(report, name, language, draft)
    return (lines or [_say("unchanged", language, draft)]) + _sample_lines(report, language, draft)


def _sample_lines(report: Mapping[str, Any], language: str, draft: bool) -> list[str]:
    """A run fitted on a sample (``fitting.py``) says so, with its sizes."""
    sample = report.get("fit_sample")
    if not sample:
        return []
    total, fitted = sample["notes"], sample["fitted_on"]
    return [_say("sampled", language, draft, fitted=fitted, total=total, rest=total - fitted)]


def _edited_lines(change: Mapping[str, Any], name: Any, language: str, draft: bool) -> list[str]:
    theme = name(change["theme"])
    facts = []
    for item in change["left"]:
        n = _notes(item["notes"], language)
        if item["to"] == OUT:
            are = "is" if item["notes"] == 1 else "are"
            facts.append(_say("out", language, draft, n=n, are=are))
        elif item["to"] is None:
            facts.append(_say("unassigned", language, draft, n=n))
        else:
            facts.append(_say("moved", language, draft, n=n, other=name(item["to"])))
    for item in change["joined"]:
        n = _notes(item["notes"], language)
        if item["from"] is None:
            facts.append(_say("came_unassigned", language, draft, n=n))
        else:
            facts.append(_say("came", language, draft, n=n, other=name(item["from"])))
    if change["joined_new"]:
        facts.append(
            _say("new_notes", language, draft, n=_notes(change["joined_new"], language, new=True))
        )
    prefix = "Teema" if language == "fi" else "Theme"
    lines = [f"{prefix} '{theme}': {fact}." for fact in facts]
    if change["vanished"]:
        lines.append(_say("vanished", language, draft, name=theme))
    elif not facts:
        lines.append(_say("same", language, draft, name=theme, n=_notes(change["after"], language)))
    return lines


def _overall_lines(report: Mapping[str, Any], name: Any, language: str, draft: bool) -> list[str]:
    edited = {c["theme"] for c in report.get("edited", [])}
    if not report.get("persisted") and not report.get("vanished") and report.get("new"):
        return [_say("first", language, draft, n=len(report["new"]))]
    lines = []
    new = [k for k in report.get("new", []) if k not in edited]
    if new:
        names = _quoted([name(k) for k in new], language)
        lines.append(_say("new_themes", language, draft, n=len(new), names=names))
    gone = [k for k in report.get("vanished", []) if k not in edited]
    if gone:
        names = _quoted([name(k) for k in gone], language)
        lines.append(_say("gone_themes", language, draft, n=len(gone), names=names))
    # A "split" into themes that all existed before, or a "merge" of themes that all
    # still exist, is notes moving between themes: said as moves below.
    persisted = set(report.get("persisted", []))
    for split in report.get("split", []):
        if split["from"] not in edited and set(split["into"]) - persisted:
            names = _quoted([name(k) for k in split["into"]], language)
            lines.append(_say("split", language, draft, name=name(split["from"]), names=names))
    broken = report.get("broke_up", [])
    for theme in broken:
        parts = _parts(theme["to"], name, language, draft)
        lines.append(_say("broke_up", language, draft, name=name(theme["from"]), parts=parts))
    gone_apart = {theme["from"] for theme in broken}  # said above, not once per merge
    for merge in report.get("merged", []):
        joined = [k for k in merge["from"] if k not in gone_apart]
        if merge["into"] not in edited and len(joined) > 1 and set(joined) - persisted:
            names = _quoted([name(k) for k in joined], language)
            lines.append(_say("merged", language, draft, name=name(merge["into"]), names=names))
    return lines + _move_lines(report.get("moved", []), name, language, draft)


def _parts(parts: list[dict[str, Any]], name: Any, language: str, draft: bool) -> str:
    """ "9 muistiinpanoa siirtyi teemaan 'A' ja 6 muistiinpanoa teemaan 'B'": the verb
    once, with the first part."""
    said = [
        _say(
            "moved" if i == 0 else "moved_too",
            language,
            draft,
            n=_notes(part["notes"], language),
            other=name(part["to"]),
        )
        for i, part in enumerate(parts)
    ]
    joiner = " ja " if language == "fi" else " and "
    return ", ".join(said[:-1]) + joiner + said[-1]


def _move_lines(moved: list[dict[str, Any]], name: Any, language: str, draft: bool) -> list[str]:
    lines = []
    for move in moved[:_NAMES_SHOWN]:
        lines.append(
            _MOVES[language][0].format(
                name=name(move["from"]),
                other=name(move["to"]),
                n=_notes(move["notes"], language),
                verb=_verb_moved(move["notes"], language, draft),
            )
        )
    rest = sum(m["notes"] for m in moved[_NAMES_SHOWN:])
    if rest:
        lines.append(
            _MOVES[language][1].format(
                n=_notes(rest, language), verb=_verb_moved(rest, language, draft)
            )
        )
    return lines


def _verb_moved(count: int, language: str, draft: bool) -> str:
    if language == "fi":
        return "siirtyisi" if draft else "siirtyi"
    return "would move" if draft else "moved"
