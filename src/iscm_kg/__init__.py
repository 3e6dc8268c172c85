"""ISCM-KG: a linked-data knowledge graph of inter-State consultation mechanisms on migration.

The pipeline is ``load -> reason -> validate -> query -> export``, one module per stage; ``cli``
only wires them together.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("iscm-kg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
