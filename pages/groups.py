"""The former address /groups of pages/teemaryhmat.py; this file makes it known to a fresh server."""

from ui.navigation import ensure_routed

ensure_routed()
