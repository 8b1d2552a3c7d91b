"""Theme groups: the public entry point (``make_groups``); the engine lives in ``indicator.grouping``."""

from indicator.grouping import *  # noqa: F403  (the same public API, one list of names)
from indicator.grouping import __all__  # noqa: F401
