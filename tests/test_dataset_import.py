"""``import pipeline`` stays light: open_dataset is resolved on first use."""

import subprocess
import sys


def test_import_pipeline_stays_light():
    code = ("import sys, pipeline; heavy = [m for m in ('numpy', 'pyarrow', 'matplotlib', 'webdataset') "
            "if m in sys.modules]; print(heavy); print(callable(pipeline.open_dataset))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["[]", "True"]
