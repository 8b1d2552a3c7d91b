"""Theme groups: the public entry point (``make_groups``); the engine lives in ``indicator.grouping``."""

from indicator.grouping import (
    ALL_AREA,
    ASSIGNMENT_COLUMNS,
    BY_OPTIONS,
    UNKNOWN_AREA,
    Grouping,
    assign_themes,
    group_count,
    group_sizes,
    make_groups,
    need_matrix,
    partition_count,
    standardise,
    theme_dimensions,
    village_areas,
)

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
