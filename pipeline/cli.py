"""The ``pipeline`` command: render a job, draw a contact sheet, summarise a dataset.

Every command exits non-zero with a one-paragraph message naming the problem (a config field, a
file, a shard) instead of a traceback when the input is bad.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path


def _render(args) -> int:
    from pipeline.config import load_config
    from pipeline.job import render_job, summary_text

    config = load_config(args.config)
    out = args.out or str(Path("out") / config.name)
    manifest = render_job(config, out, overwrite=args.overwrite, address=args.address,
                          progress=not args.no_progress)
    print(summary_text(manifest, out))
    return 0


def _contact_sheet(args) -> int:
    from pipeline.consumers.contact_sheet import contact_sheet

    out = args.out or str(Path(args.dataset) / "contact_sheet.png")
    rows = contact_sheet(args.dataset, out, max_rows=args.rows)
    print(f"contact sheet ({rows} views: input | depth | normals | semantic) written to {out}")
    return 0


def _summary(args) -> int:
    from pipeline.job import summary_text
    from pipeline.shards import layout
    from pipeline.shards.storage import Output

    output = Output(args.dataset)
    if not output.exists(layout.MANIFEST):
        raise FileNotFoundError(f"{args.dataset}: no manifest.json; not a finished dataset")
    print(summary_text(output.read_json(layout.MANIFEST), args.dataset))
    return 0


def _stats(args) -> int:
    import json

    from pipeline.consumers.stats import dataset_stats, plot_stats

    stats = dataset_stats(args.dataset)
    json_out = args.json or str(Path(args.dataset) / "stats.json")
    png_out = args.png or str(Path(args.dataset) / "stats.png")
    Path(json_out).write_text(json.dumps(stats, indent=1))
    plot_stats(stats, png_out)
    top = ", ".join(f"{k} {v:.1%}" for k, v in list(stats["class_pixel_share"].items())[:8])
    print(f"{stats['views']} views ({stats['kinds']}), {stats['pairs']} pairs; top classes: {top}")
    print(f"stats written to {json_out} and {png_out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pipeline", description=__doc__.splitlines()[0])
    p.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("render", help="render a job config into WebDataset shards (local Ray or a cluster)")
    r.add_argument("config", help="job config YAML, e.g. configs/quickstart.yaml")
    r.add_argument("--out", help="dataset root: a path or an fsspec URI (s3://, gs://, file://); "
                                 "default out/<config name>")
    r.add_argument("--address", default=None,
                   help="Ray cluster address ('auto' inside ray submit); default: the config's, else local Ray")
    r.add_argument("--overwrite", action="store_true", help="delete an existing dataset at --out first")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    r.set_defaults(func=_render)

    c = sub.add_parser("contact-sheet", help="draw input | depth | normals | semantic rows as one PNG")
    c.add_argument("dataset")
    c.add_argument("--out", help="PNG path; default <dataset>/contact_sheet.png")
    c.add_argument("--rows", type=int, default=12)
    c.set_defaults(func=_contact_sheet)

    s = sub.add_parser("summary", help="print a dataset's counts from its manifest")
    s.add_argument("dataset")
    s.set_defaults(func=_summary)
    st = sub.add_parser("stats", help="class shares, objects per view, depth/FOV/camera-height histograms")
    st.add_argument("dataset")
    st.add_argument("--json", help="JSON path; default <dataset>/stats.json")
    st.add_argument("--png", help="plot path; default <dataset>/stats.png")
    st.set_defaults(func=_stats)
    return p


def main(argv: list[str] | None = None) -> int:
    from pipeline.config import ConfigError
    from pipeline.job import OutputConflict

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except (ConfigError, OutputConflict, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
