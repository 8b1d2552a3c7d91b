#!/usr/bin/env python3
"""Check a deployment in one line: ``deploy/check.py [--app URL ...] [--disk PATH ...] [--db URL]``.

The same as ``python -m indicator check`` (docs/cli.md), runnable from a checkout without installing the
package: every app process answers its health address, the database answers with the current schema, the
disks have room. Exit 0 when all is well, 3 when not (the line says what), 2 for unusable options.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indicator.cli import main  # noqa: E402 (after the path)

if __name__ == "__main__":
    raise SystemExit(main(["check", *sys.argv[1:]]))
