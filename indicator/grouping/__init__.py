"""Theme groups (docs/method.md §4): balanced groups of similar villages, each given a theme by need.

See ``indicator.grouping.core`` for the rules and choices; this package is the public API.
"""

from indicator.grouping.core import (
    ALL_AREA,
    ASSIGNMENT_COLUMNS,
    BY_OPTIONS,
    UNKNOWN_AREA,
    Grouping,
    make_groups,
    village_areas,
)
from indicator.grouping.model import group_count, group_sizes, partition_count, standardise
from indicator.grouping.themes import assign_themes, need_matrix, theme_dimensions

__all__ = [
    "ALL_AREA",
    "ASSIGNMENT_COLUMNS",
    "BY_OPTIONS",
    "UNKNOWN_AREA",
    "Grouping",
    "assign_themes",
    "group_count",
    "group_sizes",
    "make_groups",
    "need_matrix",
    "partition_count",
    "standardise",
    "theme_dimensions",
    "village_areas",
]
