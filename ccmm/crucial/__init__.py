"""CRUCIAL data-quality checks (clause 3.2) as pandera schemas."""

from __future__ import annotations

__all__: list[str] = []
