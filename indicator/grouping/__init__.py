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
from indicator.grouping.explain import GroupStory, stories
from indicator.grouping.model import group_count, group_sizes, partition_count, standardise
from indicator.grouping.themes import assign_themes, default_group_count, need_matrix, theme_dimensions
from indicator.grouping.workbook import workbook_bytes, workbook_sheets

__all__ = [
    "ALL_AREA",
    "ASSIGNMENT_COLUMNS",
    "BY_OPTIONS",
    "UNKNOWN_AREA",
    "GroupStory",
    "Grouping",
    "assign_themes",
    "default_group_count",
    "group_count",
    "group_sizes",
    "make_groups",
    "need_matrix",
    "partition_count",
    "standardise",
    "stories",
    "theme_dimensions",
    "village_areas",
    "workbook_bytes",
    "workbook_sheets",
]
