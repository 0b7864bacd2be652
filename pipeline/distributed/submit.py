"""Entry script for ``ray submit ray_cluster.yaml pipeline/distributed/submit.py -- --config ... --out ...``.

``ray submit`` copies this file to the head node and runs it there with the cluster's Python, where the
project is installed (ray_cluster.yaml's setup_commands). It joins the running cluster
(``--address auto``) and runs the same job driver as ``pipeline render``. A relative ``--config`` path
is looked up in the working directory first, then in the project checkout on the head node.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

CHECKOUT = Path.home() / "vision-banana-synth"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", required=True)
    p.add_argument("--out", required=True, help="a shared path or an fsspec URI such as s3://bucket/dataset")
    p.add_argument("--address", default="auto")
    p.add_argument("--overwrite", action="store_true")
    args = p.parse_args(argv)
    config = Path(args.config)
    if not config.is_file() and not config.is_absolute() and (CHECKOUT / config).is_file():
        config = CHECKOUT / config
    from pipeline.cli import main as cli_main

    cli_args = ["render", str(config), "--out", args.out, "--address", args.address]
    return cli_main(cli_args + (["--overwrite"] if args.overwrite else []))


if __name__ == "__main__":
    sys.exit(main())
