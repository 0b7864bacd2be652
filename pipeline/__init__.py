"""Synthetic instruction-tuning data for generalist vision models.

``pipeline.open_dataset`` is imported lazily, so ``import pipeline`` stays light.
"""

__all__ = ["open_dataset"]


def __getattr__(name: str):
    if name == "open_dataset":
        from pipeline.consumers.dataset import open_dataset

        return open_dataset
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
