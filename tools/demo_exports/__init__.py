"""The synthetic demo: survey exports in the layouts of real tools (``exports``) and the seeded demo data
set written to ``data/demo`` (``demo``). Fake names, e-mail addresses and IP addresses live here only, to
show that the reader drops them; run ``python -m tools.make_demo`` to rewrite the demo files."""
