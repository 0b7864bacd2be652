"""notebooks/inspect_dataset.ipynb runs headless on the tiny dataset (DATASET environment variable)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "inspect_dataset.ipynb"


def test_inspect_notebook_runs(tiny_dataset, monkeypatch):
    import pipeline

    monkeypatch.setenv("DATASET", str(tiny_dataset))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= len(pipeline.open_dataset(tiny_dataset).task_counts()) + 1
    text = "".join(o.get("text", "") for o in outputs)
    assert f"validate {tiny_dataset}: OK" in text
