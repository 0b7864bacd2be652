"""Data files describing what the scenes can contain: the class taxonomy and the asset entries."""

from pathlib import Path

MANIFEST_DIR = Path(__file__).resolve().parent
