"""``python -m indicator``: the command line over the library."""

from indicator.cli import main

raise SystemExit(main())
