"""Data files shipped with ccmm (standards, schemas, KPI catalogue); no Python names."""

__all__: list[str] = []


def __dir__() -> list[str]:
    return list(__all__)
