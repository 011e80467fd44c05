"""Example data shipped with ccmm, for the docs, the CLI's ``demo`` and your own experiments.

The organisations and figures are fictional.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ccmm._guard import checked_arguments
from ccmm.assessment import Assessment

EXAMPLE_ASSESSMENT = "assessment-cc-cmm-oc-2017.json"


@checked_arguments
def example_path(name: str = EXAMPLE_ASSESSMENT) -> Path:
    """Filesystem path of a shipped example file (``name`` relative to ``ccmm/examples``)."""
    return Path(str(resources.files("ccmm.examples").joinpath(name)))


def load_example_assessment() -> Assessment:
    """The bundled example assessment (a fictional centre, CC-CMM-OC 2017)."""
    from ccmm._io import read_assessment

    return read_assessment(example_path())


__all__ = ["EXAMPLE_ASSESSMENT", "example_path", "load_example_assessment"]


def __dir__() -> list[str]:
    return list(__all__)
