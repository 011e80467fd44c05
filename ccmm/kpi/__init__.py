"""Contact-centre KPIs: the KPI catalogue, computation from interval data, Erlang staffing and
target attainment."""

from __future__ import annotations

__all__: list[str] = []
