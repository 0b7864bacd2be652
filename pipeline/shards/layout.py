"""Where things live inside a dataset root (relative paths, the same on every filesystem)."""

MANIFEST = "manifest.json"
JOB = "job.json"
BANK = "bank"  # the default asset-bank folder inside a dataset (pipeline.bank), kept by --overwrite
PAIRS_INDEX = "index/pairs.parquet"
VIEWS_INDEX = "index/views.parquet"
UNITS_DIR = "_units"


def done_record(unit_id: str) -> str:
    return f"{UNITS_DIR}/{unit_id}.done.json"


def unit_index(unit_id: str, series: str) -> str:
    return f"{UNITS_DIR}/{unit_id}.{series}.parquet"
