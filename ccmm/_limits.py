"""Resource limits for everything ccmm reads from a file: named settings, checked before the work.

A hostile or broken file must never cost unbounded time or memory: a 300-byte YAML file of nested
aliases expands to billions of nodes, a 100,000-deep JSON array exhausts the stack, ``/dev/zero``
never ends. Each reader takes ``limits=`` (a `Limits`; the defaults fit every real
assessment and standard many times over) and checks the file against it *before* parsing or
building anything, raising the reader's `CCMMError` subclass that names the file
and the limit. See ``docs/limits.md``.
"""

from __future__ import annotations

import stat
from pathlib import Path

from pydantic import Field

from ccmm._errors import CCMMError, InputDataError
from ccmm._model import FrozenModel


class Limits(FrozenModel):
    """Upper bounds on what one input file may hold; pass ``limits=Limits(...)`` to change one.

    >>> from ccmm import Limits
    >>> Limits(max_file_bytes=1_000_000).max_depth
    32
    """

    _error_class = InputDataError

    max_file_bytes: int = Field(
        default=16 * 2**20, gt=0, strict=True, description="size of one input file in bytes"
    )
    max_depth: int = Field(
        default=32,
        gt=0,
        strict=True,
        description="nesting of lists and mappings in a JSON or YAML file (aliases expanded)",
    )
    max_yaml_nodes: int = Field(
        default=200_000,
        gt=0,
        strict=True,
        description="values in a YAML file after every alias is expanded (alias bombs)",
    )
    max_cell_chars: int = Field(
        default=65_536,
        gt=0,
        strict=True,
        description="characters in one text value, key or table cell",
    )
    max_number_digits: int = Field(
        default=50, gt=0, strict=True, description="digits of one number written in a file"
    )
    max_rows: int = Field(
        default=100_000, gt=0, strict=True, description="data rows of one table file (CSV, xlsx)"
    )


DEFAULT_LIMITS = Limits()


def read_limited(path: Path, *, limits: Limits, error: type[CCMMError]) -> bytes:
    """The bytes of regular file ``path``, refusing devices, pipes and files over the size limit.

    Never reads more than ``limits.max_file_bytes + 1`` bytes, whatever ``stat`` said (a file can
    grow while it is read).
    """
    source = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error(f"{source}: no such file") from None
    except OSError as exc:
        raise error(f"{source}: cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{source}: is a directory, expected a file")
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{source}: not a regular file (a device, pipe or socket); expected a file")
    too_big = error(
        f"{source}: file is larger than the limit of {limits.max_file_bytes:,} bytes "
        "(Limits.max_file_bytes)"
    )
    if info.st_size > limits.max_file_bytes:
        raise too_big
    try:
        with path.open("rb") as handle:
            data = handle.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise error(f"{source}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limits.max_file_bytes:
        raise too_big
    return data


def decode_text(data: bytes, *, source: str, error: type[CCMMError]) -> str:
    """``data`` as UTF-8 text (a byte-order mark is dropped), naming the first undecodable byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            f"{source}: not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line} "
            f"(offset {exc.start}) cannot be decoded"
        ) from None


__all__ = ["DEFAULT_LIMITS", "Limits", "decode_text", "read_limited"]
