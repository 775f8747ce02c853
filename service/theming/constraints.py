"""Human edits as constraints on the next fit.

What people did to the current run's themes is read back from it, not replayed from the
edit log: notes placed by hand (moved, unassigned, or members of a theme people merged or
split) carry ``source == "human"``, and names people gave carry ``name_edited``. A new
fit must keep them:

* a note placed by hand stays in its theme (or unassigned) while it exists;
* a model cluster whose notes are mostly placed by hand in one theme becomes that theme,
  so themes people merged stay one theme, however many clusters the model finds in them;
  the parts of a split stay apart because each part's notes are pinned to it;
* an edited theme that no cluster carries that way follows the cluster holding the
  majority of its notes, keeping its id and the name people gave it.

Everything else in the fit is free; ``service.theming.report`` then says what would still
change in an edited theme, so a person can decide before it is saved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.models import Assignment, Theme, ThemeRun


@dataclass(frozen=True)
class EditConstraints:
    """The current run as the next fit must respect it (all keys are theme keys)."""

    # note id -> the key a person placed it in (None: unassigned by hand)
    pinned: Mapping[int, int | None] = field(default_factory=dict)
    # key -> the name a person gave the theme
    names: Mapping[int, str] = field(default_factory=dict)
    # note id -> key (None: unassigned), every note the current run's fit placed
    previous: Mapping[int, int | None] = field(default_factory=dict)

    @property
    def edited(self) -> frozenset[int]:
        """Themes people edited: renamed, or holding notes people placed."""
        return frozenset(self.names) | frozenset(k for k in self.pinned.values() if k is not None)

    @property
    def pinned_keys(self) -> frozenset[int]:
        return frozenset(k for k in self.pinned.values() if k is not None)


def constraints_of(session: Session, run: ThemeRun | None) -> EditConstraints:
    """The constraints the run ``run`` (the current one, or None) sets for the next fit."""
    if run is None:
        return EditConstraints()
    rows = session.execute(
        select(Assignment.note_id, Assignment.theme_key, Assignment.source).where(
            Assignment.run_id == run.id
        )
    ).all()
    names = dict(
        session.execute(
            select(Theme.key, Theme.name).where(Theme.run_id == run.id, Theme.name_edited)
        ).all()
    )
    return EditConstraints(
        pinned={note: key for note, key, source in rows if source == "human"},
        names=names,
        # Notes placed at upload without a fit are provisional: for the next fit they are
        # new notes, so placing them differently changes no theme a person looked at.
        previous={note: key for note, key, source in rows if source != "incremental"},
    )


def claim_clusters(
    labels: np.ndarray, note_ids: Sequence[int], constraints: EditConstraints
) -> dict[int, int]:
    """Model cluster -> edited theme key, for the clusters that carry an edited theme.

    ``labels`` (n,) model cluster per note (-1: unassigned), ``note_ids`` (n,) the notes.
    Several clusters may carry one theme (a theme people merged); a cluster carries at
    most one theme.
    """
    claims: dict[int, int] = {}
    for cluster in np.unique(labels[labels >= 0]).tolist():
        members = [note_ids[int(i)] for i in np.flatnonzero(labels == cluster)]
        pins = Counter(
            key for key in (constraints.pinned.get(n) for n in members) if key is not None
        )
        if pins:
            key, count = pins.most_common(1)[0]
            if 2 * count >= len(members):
                claims[int(cluster)] = key
    # Larger themes choose first, so a small edited theme cannot take a big one's cluster.
    sizes = Counter(k for k in constraints.previous.values() if k is not None)
    waiting = sorted(constraints.edited - set(claims.values()), key=lambda k: (-sizes[k], k))
    cluster_of = dict(zip(note_ids, labels.tolist(), strict=True))
    for key in waiting:
        members = [n for n, k in constraints.previous.items() if k == key and n in cluster_of]
        votes = Counter(
            cluster_of[n] for n in members if cluster_of[n] >= 0 and cluster_of[n] not in claims
        )
        if votes:
            cluster, count = votes.most_common(1)[0]
            if 2 * count >= len(members):
                claims[int(cluster)] = key
    return claims


def pin_notes(
    keys: np.ndarray, note_ids: Sequence[int], constraints: EditConstraints
) -> np.ndarray:
    """``keys`` (n,) theme key per note (-1: unassigned) with hand-placed notes put back."""
    final = keys.copy()
    for i, note in enumerate(note_ids):
        if note in constraints.pinned:
            placed = constraints.pinned[note]
            final[i] = placed if placed is not None else -1
    return final
