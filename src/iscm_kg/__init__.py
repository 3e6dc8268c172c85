"""ISCM-KG: a linked-data knowledge graph of inter-State consultation mechanisms on migration.

The pipeline is ``load -> reason -> validate -> query -> export``, one module per stage; ``cli``
only wires them together. In Python: ``kg = iscm_kg.open(); kg.query("iscms")`` (see ``api``).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("iscm-kg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"


def __getattr__(name: str) -> Any:
    """``iscm_kg.open`` and friends, imported on first use so ``import iscm_kg`` stays light."""
    if name in ("open", "KnowledgeGraph", "Rows"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'iscm_kg' has no attribute '{name}'")
