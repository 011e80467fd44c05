"""Finding, loading and caching standards.

Shipped standards live in ``ccmm/standard_data/<id>/<edition>/`` as ``standard.yaml`` (structure
and level rules), ``clauses.yaml`` and ``glossary.yaml``, read with `importlib.resources`.
A user's standard is either one YAML/JSON file holding all of it or a directory laid out like a
shipped edition.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccmm._errors import StandardError
from ccmm._guard import checked_arguments
from ccmm._json import read_json
from ccmm._limits import DEFAULT_LIMITS, Limits, decode_text, read_limited
from ccmm._standard_data import has_data, read_data
from ccmm._text import quote
from ccmm._yaml import safe_load

if TYPE_CHECKING:
    from ccmm.standard import Standard

DEFAULT_STANDARD = ("cc-cmm-oc", "2017")
_PARTS = ("clauses", "glossary")


@dataclass(frozen=True)
class StandardRef:
    """A shipped standard edition: its id, edition and where its data lives."""

    id: str
    edition: str


def _root() -> Traversable:
    return resources.files("ccmm.standard_data")


@cache
def list_standards() -> tuple[StandardRef, ...]:
    """Every standard edition shipped with ccmm, sorted by id then edition (read once)."""
    found = []
    for std_dir in _root().iterdir():
        if not std_dir.is_dir():
            continue
        for ed_dir in std_dir.iterdir():
            if ed_dir.is_dir() and ed_dir.joinpath("standard.yaml").is_file():
                found.append(StandardRef(std_dir.name, ed_dir.name))
    return tuple(sorted(found, key=lambda r: (r.id, r.edition)))


def _read_mapping(
    node: Traversable | Path, source: str, limits: Limits = DEFAULT_LIMITS
) -> dict[str, Any]:
    if isinstance(node, Path):  # a user's file: bounded before it is read
        raw = read_limited(node, limits=limits, error=StandardError)
        text = decode_text(raw, source=source, error=StandardError)
    else:
        text = node.read_text(encoding="utf-8")
    if source.endswith(".json"):
        data = read_json(text, source=source, error=StandardError, limits=limits)
    else:
        data = safe_load(text, source=source, error=StandardError, limits=limits)
    return data  # type: ignore[no-any-return]


def _read_directory(
    directory: Traversable | Path, label: str, limits: Limits = DEFAULT_LIMITS
) -> dict[str, Any]:
    main = directory.joinpath("standard.yaml")
    if not main.is_file():
        raise StandardError(f"{label}: a standard directory needs a standard.yaml")
    data = _read_mapping(main, f"{label}/standard.yaml", limits)
    if not isinstance(data, dict):
        raise StandardError(f"{label}/standard.yaml: expected a mapping at the top level")
    for part in _PARTS:
        node = directory.joinpath(f"{part}.yaml")
        if node.is_file():
            if part in data:
                raise StandardError(f"{label}: {part} given both in standard.yaml and {part}.yaml")
            data[part] = _read_mapping(node, f"{label}/{part}.yaml", limits)
    return data


def _build(data: Any, source: str) -> Standard:
    from ccmm.standard import Standard

    if not isinstance(data, dict):
        raise StandardError(
            f"{source}: expected a mapping at the top level, got {type(data).__name__}"
        )
    try:
        return Standard.model_validate(data)
    except StandardError as exc:
        raise StandardError(f"{source}: invalid standard", problems=exc.problems) from None


@cache
def _load_shipped(standard_id: str, edition: str) -> Standard:
    data = read_data(standard_id, edition, "standard.yaml")
    for part in _PARTS:
        if has_data(standard_id, edition, f"{part}.yaml"):
            data[part] = read_data(standard_id, edition, f"{part}.yaml")[part]
    return _build(data, f"{standard_id} {edition}")


@checked_arguments
def load_standard(
    standard: str | PathLike[str] | None = None,
    edition: str | None = None,
    *,
    limits: Limits | None = None,
) -> Standard:
    """Load a standard.

    * ``load_standard()`` -> the default, CC-CMM-OC 2017;
    * ``load_standard("cc-cmm-oc", "2017")`` -> a shipped edition (``edition`` may be omitted when
      only one is shipped);
    * ``load_standard(path)`` -> a user's standard: one ``.yaml``/``.yml``/``.json`` file, or a
      directory laid out like a shipped edition.

    Shipped standards are cached: loading twice returns the same object. A user's file must stay
    within ``limits`` (see `ccmm.Limits`), checked before it is parsed.
    """
    if standard is None:
        return _load_shipped(*DEFAULT_STANDARD)
    shipped = list_standards()
    if isinstance(standard, str) and any(r.id == standard for r in shipped):
        editions = [r.edition for r in shipped if r.id == standard]
        if edition is None:
            if len(editions) > 1:
                raise StandardError(f"standard {standard!r} ships in editions {editions}; name one")
            edition = editions[0]
        if edition not in editions:
            raise StandardError(
                f"standard {standard!r} has no edition {edition!r}; shipped: {', '.join(editions)}"
            )
        return _load_shipped(standard, edition)
    path = Path(standard)
    try:
        exists = path.exists()
    except (OSError, ValueError):  # a name too long for the file system, or holding NUL
        exists = False
    if not exists:
        known = ", ".join(f"{r.id} {r.edition}" for r in shipped)
        raise StandardError(
            f"no shipped standard and no file named {quote(str(standard))}; "
            f"shipped standards: {known}"
        )
    if edition is not None:
        raise StandardError("edition is given only with a shipped standard's id, not with a path")
    limits = limits or DEFAULT_LIMITS
    if path.is_dir():
        return _build(_read_directory(path, str(path), limits), str(path))
    return _build(_read_mapping(path, str(path), limits), str(path))


def canonical_digest(standard: Standard) -> str:
    """sha256 of the standard's canonical JSON (sorted keys, no whitespace, UTF-8)."""
    payload = json.dumps(
        standard.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


__all__ = ["DEFAULT_STANDARD", "StandardRef", "canonical_digest", "list_standards", "load_standard"]
