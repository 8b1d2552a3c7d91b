"""The former address /village of pages/kyla.py; this file makes it known to a fresh server."""

from ui.navigation import ensure_routed

ensure_routed()
