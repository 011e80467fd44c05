"""``python -m ccmm``: the ``ccmm`` command (see `ccmm.cli` and ``docs/cli.md``)."""

from __future__ import annotations

from ccmm.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
