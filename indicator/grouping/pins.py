"""Group numbers that mean what the user sees: pins refer to the unconstrained grouping's numbers.

Without pins or links an area's groups are numbered in the order of their alphabetically first village
(the *reference* grouping). A pin "village = g" means "into the group that is number g in the reference".
The search itself does not know numbers (a pin alone could always be met by renaming the groups), so a
pin also asks that the pinned village's group keeps at least half of the reference group g (a *quota*:
its villages not pinned elsewhere nor to be kept apart from the pinned one). The exact search keeps
quotas as a constraint on the candidate groups; beyond its range balanced k-means cannot, so there one
*anchor* (the member of reference group g closest to its mean that no pin or link forbids) is pinned to
g instead. If pins, links and quotas (or anchors) together are impossible, the quotas (anchors) are
dropped. The groups of the result are then numbered: pinned groups by their pin, the others by their
largest overlap with the reference groups, ties in the order of their first village.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from math import ceil

import numpy as np
from scipy.optimize import linear_sum_assignment

from indicator.errors import GroupingError
from indicator.grouping.exact import Quota
from indicator.grouping.model import Links, group_means, make_links


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


def quotas(reference: np.ndarray, villages: Sequence[str], pins: Mapping[str, int], links: Links) -> tuple[Quota, ...]:
    """For each pinned number g: the group of the (first) village pinned to g must keep at least half
    (rounded up) of the reference group g's villages that are not pinned elsewhere (``links.pins``, pins
    spread over together-units) nor kept apart from a village pinned to g."""
    index = {name: i for i, name in enumerate(villages)}
    out = []
    for g in sorted(set(pins.values())):
        pinned = sorted(index[name] for name, group in pins.items() if group == g)
        apart = {int(b) for a, b in links.apart if a in pinned} | {int(a) for a, b in links.apart if b in pinned}
        members = [int(i) for i in np.flatnonzero(reference == g - 1)
                   if links.pins[i] in (-1, g - 1) and int(i) not in apart]
        if members:
            out.append(Quota(pinned[0], np.array(members, dtype=np.intp), ceil(len(members) / 2)))
    return tuple(out)
