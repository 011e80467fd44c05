"""Old import paths that keep working for one minor version, with a warning naming the new one.

0.2.0 made the modules behind ``ccmm.compare`` and ``ccmm.agreement`` private: a function of that
name hid each module (``import ccmm.compare as m`` gave the function). Code that imported from
the module path (``from ccmm.compare import Comparison``) still works until 0.3.0: the old
module path is a stand-in that hands out the names of the new home and warns.
"""

from __future__ import annotations

import importlib
import sys
import types
import warnings
from collections.abc import Mapping
from typing import Any

REMOVED_IN = "0.3.0"


def warn_moved(old: str, new: str, *, stacklevel: int = 3) -> None:
    """The DeprecationWarning for a name that moved from ``old`` to ``new``."""
    warnings.warn(
        f"{old} is deprecated and will be removed in ccmm {REMOVED_IN}: use {new}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


class _MovedModule(types.ModuleType):
    """Stand-in for a module path that moved: every public name warns, then resolves."""

    def __init__(self, old: str, *, home: str, renamed: Mapping[str, str]) -> None:
        super().__init__(old, f"Deprecated: use {home} (removed in ccmm {REMOVED_IN}).")
        self._home = home
        self._renamed = dict(renamed)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        new_name = self._renamed.get(name, name)
        value = getattr(importlib.import_module(self._home), new_name)
        if not any(part.startswith("_") for part in self._home.split(".")):
            new = f"{self._home}.{new_name}"  # the new home is itself public
        elif getattr(sys.modules["ccmm"], new_name, None) is value:
            new = f"ccmm.{new_name}"
        else:
            new = f"{self._home}.{new_name} (private, may change)"
        warn_moved(f"{self.__name__}.{name}", new)
        return value

    def __dir__(self) -> list[str]:
        return sorted(getattr(importlib.import_module(self._home), "__all__", ()))


def install_moved_module(old: str, *, home: str, renamed: Mapping[str, str] = {}) -> None:
    """Make ``import old`` / ``from old import name`` work, warning, until ``REMOVED_IN``."""
    sys.modules.setdefault(old, _MovedModule(old, home=home, renamed=renamed))
