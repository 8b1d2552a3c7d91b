"""Shared pieces of theme grouping: group counts and sizes, standardisation, links between villages.

Everything here is pure and works on plain numpy arrays; ``indicator.grouping.core`` builds the
tables around it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from indicator.errors import GroupingError, clip


def group_count(n: int, size: int) -> int:
    """docs/method.md §4: ``max(1, round(n / size))`` groups, with Python's ``round`` (halves to even).

    >>> group_count(15, 5), group_count(17, 5), group_count(2, 5), group_count(5, 2)
    (3, 3, 1, 2)
    """
    return max(1, round(n / size))


def group_sizes(n: int, k: int) -> tuple[int, int, int]:
    """``(small, large, n_large)``: every group holds ``small`` or ``large = small + 1`` villages,
    exactly ``n_large`` of them the larger size (``large == small`` when k divides n).

    >>> group_sizes(17, 3), group_sizes(15, 3)
    ((5, 6, 2), (5, 5, 0))
    """
    small, extra = divmod(n, k)
    return small, small + (1 if extra else 0), extra


def standardise(values: np.ndarray) -> np.ndarray:
    """Columns to mean 0 and population sd 1 (``ddof=0``); a constant column becomes all 0.

    >>> standardise(np.array([[1.0, 5.0], [3.0, 5.0]])).tolist()
    [[-1.0, 0.0], [1.0, 0.0]]
    """
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return values.copy()
    centred = values - values.mean(axis=0)
    sd = values.std(axis=0, ddof=0)
    scale = np.where(sd > 1e-12 * np.maximum(1.0, np.abs(values).max(axis=0)), sd, np.inf)
    return centred / scale


def within_ss(x: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Sum of squared distances of the rows of ``x`` to their group's mean (the grouping objective, docs/method.md §4)."""
    total = 0.0
    for g in range(k):
        members = x[labels == g]
        if len(members):
            total += float(((members - members.mean(axis=0)) ** 2).sum())
    return total


def group_means(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """The mean row of each group (k x d); an empty group gets NaN."""
    sums = np.zeros((k, x.shape[1]))
    np.add.at(sums, labels, x)
    counts = np.bincount(labels, minlength=k).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts[:, None]


@dataclass(frozen=True)
class Links:
    """Constraints for one area in index form: ``pins[i]`` is the 0-based group of village i or -1,
    ``together`` and ``apart`` are pairs of village indices (pins already spread over together-units)."""

    pins: np.ndarray
    together: np.ndarray  # (m, 2) int
    apart: np.ndarray  # (q, 2) int

    @property
    def empty(self) -> bool:
        return bool((self.pins < 0).all()) and not len(self.together) and not len(self.apart)

    def violations(self, labels: np.ndarray) -> int:
        """How many pins and links the labels break."""
        pinned = self.pins >= 0
        count = int((labels[pinned] != self.pins[pinned]).sum())
        if len(self.together):
            count += int((labels[self.together[:, 0]] != labels[self.together[:, 1]]).sum())
        if len(self.apart):
            count += int((labels[self.apart[:, 0]] == labels[self.apart[:, 1]]).sum())
        return count

    def block_links(self) -> tuple[np.ndarray, np.ndarray]:
        """Pins as label-free links: same pin means together, different pins mean apart."""
        together = [tuple(p) for p in self.together]
        apart = [tuple(p) for p in self.apart]
        firsts: dict[int, int] = {}
        for i in np.flatnonzero(self.pins >= 0):
            g = int(self.pins[i])
            if g in firsts:
                together.append((firsts[g], int(i)))
            else:
                firsts[g] = int(i)
        reps = list(firsts.values())
        apart += [(a, b) for n, a in enumerate(reps) for b in reps[n + 1 :]]
        return _pairs(together), _pairs(apart)


def _pairs(pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    return np.array(pairs, dtype=np.intp).reshape(-1, 2)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def make_links(
    names: Sequence[str],
    k: int,
    pins: Mapping[str, int],
    together: Sequence[tuple[str, str]],
    apart: Sequence[tuple[str, str]],
    area: str,
) -> Links:
    """Check pins and links for one area and return them in index form, or raise GroupingError.

    ``pins`` map village names to group numbers 1..k; every name must be one of ``names``.
    """
    index = {name: i for i, name in enumerate(names)}
    n = len(names)
    parent = list(range(n))
    for a, b in together:
        parent[_find(parent, index[a])] = _find(parent, index[b])
    roots = [_find(parent, i) for i in range(n)]
    unit_pin: dict[int, tuple[int, str]] = {}
    for name, group in pins.items():
        if not 1 <= group <= k:
            raise GroupingError(f"{name} is pinned to group {group}, but area {area} has groups 1..{k}",
                                code="grouping.pin_out_of_range",
                                params={"village": clip(name), "group": group, "area": clip(area), "groups": k})
        root = roots[index[name]]
        if root in unit_pin and unit_pin[root][0] != group - 1:
            other = unit_pin[root][1]
            raise GroupingError(f"{name} and {other} must be together but are pinned to different groups",
                                code="grouping.together_pinned_apart", params={"a": clip(name), "b": clip(other)})
        unit_pin[root] = (group - 1, name)
    pin_array = np.array([unit_pin.get(r, (-1, ""))[0] for r in roots], dtype=np.intp)
    _check_capacity(names, roots, pin_array, k, area)
    for a, b in apart:
        i, j = index[a], index[b]
        if roots[i] == roots[j]:
            raise GroupingError(f"{a} and {b} are asked to be both together and apart",
                                code="grouping.together_and_apart", params={"a": clip(a), "b": clip(b)})
        if pin_array[i] >= 0 and pin_array[i] == pin_array[j]:
            raise GroupingError(f"{a} and {b} must be apart but are pinned to the same group {pin_array[i] + 1}",
                                code="grouping.apart_pinned_together",
                                params={"a": clip(a), "b": clip(b), "group": int(pin_array[i] + 1)})
    pairs = [(index[a], index[b]) for a, b in together]
    return Links(pin_array, _pairs(pairs), _pairs([(index[a], index[b]) for a, b in apart]))


def _check_capacity(names: Sequence[str], roots: list[int], pins: np.ndarray, k: int, area: str) -> None:
    """Together-units and pinned groups must fit in the group sizes."""
    small, large, n_large = group_sizes(len(names), k)
    units = Counter(roots)
    for root, count in units.items():
        if count > large:
            members = [names[i] for i in range(len(names)) if roots[i] == root]
            raise GroupingError(
                f"{', '.join(members)} must be together, but a group in area {area} holds at most {large} villages",
                code="grouping.together_too_many",
                params={"villages": clip(", ".join(members), 200), "area": clip(area), "size": large},
            )
    per_group = Counter(int(p) for p in pins if p >= 0)
    for group, count in per_group.items():
        if count > large:
            raise GroupingError(f"{count} villages are pinned to group {group + 1}, but a group holds at most {large}",
                                code="grouping.pinned_too_many", params={"count": count, "group": group + 1,
                                                                         "size": large})
    if large > small and sum(1 for c in per_group.values() if c == large) > n_large:
        raise GroupingError(
            f"only {n_large} group(s) in area {area} can hold {large} villages, more are pinned that full",
            code="grouping.too_many_full", params={"groups": n_large, "area": clip(area), "size": large},
        )


def partition_count(n: int, k: int) -> int:
    """How many unlabelled partitions of n villages into k balanced groups exist.

    >>> partition_count(15, 3), partition_count(18, 3)
    (126126, 2858856)
    """
    small, large, n_large = group_sizes(n, k)
    sizes = [large] * n_large + [small] * (k - n_large)
    count = math.factorial(n)
    for s in sizes:
        count //= math.factorial(s)
    for multiplicity in Counter(sizes).values():
        count //= math.factorial(multiplicity)
    return count
