"""Write the demo survey exports to ``data/demo`` (or ``--output DIR``): ``python -m tools.make_demo``.

The files are deterministic: running this again gives the same bytes (csv) and cells (xlsx), and
``tests/test_demo.py`` checks that the shipped files are current.
"""

from tools.demo_exports.demo import main

if __name__ == "__main__":
    raise SystemExit(main())
