"""Where things live inside a dataset root (relative paths, the same on every filesystem)."""

MANIFEST = "manifest.json"
CARD = "README.md"  # the dataset card (Hugging Face datasets reads its front matter)
JOB = "job.json"
BANK = "bank"  # the default asset-bank folder inside a dataset (pipeline.bank), kept by --overwrite
PAIRS_INDEX = "index/pairs.parquet"  # datasets written before the index became a Parquet dataset
VIEWS_INDEX = "index/views.parquet"
REJECTED = "rejected"  # views and scenes left out, with their reason: one Parquet part per unit
UNITS_DIR = "_units"
FAILURE_REPORT = "failure_report.json"  # units quarantined by the last run; gone once the dataset is complete

# The two shard series (docs/FORMAT.md, "Shard layout"); what their samples hold is declared by the
# view channels (pipeline.channels) and the pair format (pipeline.tasks.pair).
PAIRS, VIEWS = "pairs", "views"
SERIES = (VIEWS, PAIRS)  # views first: pairs are made from, and checked against, their views
INDEX = {PAIRS: PAIRS_INDEX, VIEWS: VIEWS_INDEX}  # the single-file index of earlier datasets
INDEX_DIRS = {PAIRS: "index/pairs", VIEWS: "index/views", REJECTED: "index/rejected"}


def shard_name(series: str, unit_id: str, k: int) -> str:
    """The k-th shard of a unit in a series, e.g. ``pairs/pairs-u000012-0001.tar``."""
    return f"{series}/{series}-{unit_id}-{k:04d}.tar"


def unit_of_shard(name: str) -> str:
    """The unit a shard belongs to: ``pairs/pairs-u000012-0001.tar`` -> ``u000012`` ("" for other names)."""
    parts = name.rsplit("/", 1)[-1].split("-")
    return parts[1] if len(parts) >= 3 else ""


def done_record(unit_id: str) -> str:
    return f"{UNITS_DIR}/{unit_id}.done.json"


def unit_index(unit_id: str, series: str) -> str:
    """A unit's part of the index Parquet dataset of ``series`` (pairs, views or rejected)."""
    return f"{INDEX_DIRS[series]}/{unit_id}.parquet"
