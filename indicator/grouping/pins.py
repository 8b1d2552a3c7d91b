"""Group numbers that mean what the user sees: pins refer to the unconstrained grouping's numbers.

Without pins or links an area's groups are numbered in the order of their alphabetically first village
(the *reference* grouping). A pin "village = g" means "into the group that is number g in the reference".
The search itself does not know numbers (a pin alone could always be met by renaming groups), so each
target group g gets an *anchor*: a village of the reference group g that is pinned to g along with the
user's pins. The anchor is a village the user pinned to g if the reference group g has one, else the
member closest to the reference group's mean that can be pinned to g without contradicting a pin or
link. The groups of the result are then numbered: pinned groups (user pins and anchors) by their pin,
the others by their largest overlap with the reference groups, ties in the order of their first village.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from indicator.errors import GroupingError
from indicator.grouping.model import group_means, make_links


def first_village_order(labels: np.ndarray, villages: Sequence[str]) -> list[int]:
    """Labels in the order of their alphabetically first village."""
    first: dict[int, int] = {}
    for i in np.argsort(np.array(villages, dtype=object), kind="stable"):
        first.setdefault(int(labels[i]), int(i))
    return sorted(first, key=first.__getitem__)


def number_groups(
    labels: np.ndarray, k: int, villages: Sequence[str], pins: np.ndarray, reference: np.ndarray | None = None
) -> np.ndarray:
    """0-based group numbers: pinned groups keep their pin; the others take the numbers left, matched to
    the ``reference`` numbering by largest overlap (ties, and every group without a reference, in the
    order of their alphabetically first village)."""
    mapping = np.full(k, -1)
    for i in np.flatnonzero(pins >= 0):
        mapping[labels[i]] = pins[i]
    free_numbers = sorted(set(range(k)) - set(mapping[mapping >= 0].tolist()))
    free_labels = [lab for lab in first_village_order(labels, villages) if mapping[lab] < 0]
    if reference is None or not free_labels:
        for label, number in zip(free_labels, free_numbers, strict=False):
            mapping[label] = number
        return mapping[labels]
    overlap = np.zeros((k, k))
    np.add.at(overlap, (labels, reference), 1)
    sub = overlap[np.ix_(free_labels, free_numbers)]
    # ties: the order-keeping matching (labels by first village, numbers ascending) has the largest sum of
    # position products (rearrangement inequality); it weighs less than one village of overlap
    in_order = np.outer(np.arange(len(free_labels)), np.arange(len(free_numbers)))
    rows, cols = linear_sum_assignment(-(sub * (in_order.sum() + 1) + in_order))
    for r, c in zip(rows, cols, strict=True):
        mapping[free_labels[r]] = free_numbers[c]
    return mapping[labels]


def anchors(
    x: np.ndarray,
    reference: np.ndarray,
    villages: Sequence[str],
    k: int,
    pins: Mapping[str, int],
    together: Sequence[tuple[str, str]],
    apart: Sequence[tuple[str, str]],
    area: str,
) -> dict[str, int]:
    """Villages to pin besides ``pins`` (name -> group 1..k) so that each pinned number g is the
    reference group g: one anchor per target group whose reference members include no village the
    user pinned to g; an anchor that would contradict the pins or links is passed over for the next."""
    chosen: dict[str, int] = {}
    means = group_means(x, reference, k)
    for g in sorted(set(pins.values())):
        members = np.flatnonzero(reference == g - 1)
        if any(pins.get(villages[i]) == g for i in members):
            continue
        distance = ((x[members] - means[g - 1]) ** 2).sum(axis=1)
        for i in members[np.argsort(distance, kind="stable")]:
            name = villages[i]
            if name in pins:
                continue
            trial = {**pins, **chosen, name: g}
            try:
                make_links(villages, k, trial, together, apart, area)
            except GroupingError:
                continue
            chosen[name] = g
            break
    return chosen
