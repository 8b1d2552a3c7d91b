"""Themes for groups as a capacitated assignment: every theme gets groups as evenly as possible and the
total need served is as large as possible (docs/method.md §4).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from indicator.framework import Framework
from indicator.grouping.model import group_count, group_sizes

THEME_GROUP_SIZES: tuple[int, int] = (4, 6)  # one group per theme when every group then has 4 to 6 villages


def theme_dimensions(framework: Framework) -> dict[str, list[str]]:
    """The dimensions measuring each theme, themes in framework order (themes without one are left out)."""
    out: dict[str, list[str]] = {}
    for theme in framework.themes:
        dims = [d.id for d in framework.dimensions if d.theme == theme.id]
        if dims:
            out[theme.id] = dims
    return out


def default_group_count(n: int, framework: Framework, size: int = 5,
                        sizes: tuple[int, int] = THEME_GROUP_SIZES) -> int:
    """The page's default number of groups for ``n`` villages: one group per theme (themes measured by a
    dimension) when every group then holds ``sizes[0]..sizes[1]`` villages, else the size rule
    ``max(1, round(n / size))``. E.g. 15 villages and 3 themes: 3 groups of 5; 20 villages: 4 groups.
    """
    themes = len(theme_dimensions(framework))
    if 1 <= themes <= n:
        small, large, _ = group_sizes(n, themes)
        if sizes[0] <= small and large <= sizes[1]:
            return themes
    return group_count(n, size)


def need_matrix(group_scores: np.ndarray, dims: list[str], themes: dict[str, list[str]]) -> np.ndarray:
    """``need[g, t] = 100 - mean over the group's villages and theme t's dimensions`` of raw 0-100 scores.

    ``group_scores`` holds one row per group: the group's mean score in each dimension of ``dims``.
    """
    columns = [[dims.index(d) for d in members] for members in themes.values()]
    return np.column_stack([100.0 - group_scores[:, cols].mean(axis=1) for cols in columns])


def assign_themes(need: np.ndarray) -> np.ndarray:
    """Theme index per group maximising total need with every theme given floor(G/T) or ceil(G/T) groups.

    Each theme has floor(G/T) required slots (with a bonus that forces them to be filled) and, when T
    does not divide G, one optional slot; rows are groups in number order, so ties go the same way
    every time.

    >>> assign_themes(np.array([[50.0, 10.0], [40.0, 35.0]])).tolist()
    [0, 1]
    """
    groups, themes = need.shape
    if themes == 0:
        return np.full(groups, -1)
    base, extra = divmod(groups, themes)
    bonus = float(np.abs(need).sum()) + 1.0
    slot_theme = np.repeat(np.arange(themes), base)
    cost = -need[:, slot_theme] - bonus
    if extra:
        slot_theme = np.concatenate([slot_theme, np.arange(themes)])
        cost = np.hstack([cost, -need])
    rows, cols = linear_sum_assignment(cost)
    out = np.empty(groups, dtype=int)
    out[rows] = slot_theme[cols]
    return out
