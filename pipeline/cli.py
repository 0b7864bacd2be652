"""The ``pipeline`` command: render a job, draw a contact sheet, summarise a dataset.

Exit codes (:mod:`pipeline.errors`; README, "Running large jobs"): 0 done; 1 an internal error, with its
traceback (``validate``: the dataset has problems); 2 bad input (config, assets, output folder,
arguments), with a one-paragraph message naming it; 3 units quarantined, failure report written;
4 the environment failed (disk full, permission denied, credentials, bucket); 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from pipeline.errors import BadInput, NotADataset


def _render(args) -> int:
    from pipeline.config import load_config
    from pipeline.job import render_job, summary_text

    config = load_config(args.config)
    out = args.out or str(Path("out") / config.name)
    manifest = render_job(config, out, overwrite=args.overwrite, address=args.address,
                          progress=not args.no_progress)
    print(summary_text(manifest, out))
    return 0


def _bank_build(args) -> int:
    import json

    from pipeline.bank.build import bank_uri, build_bank
    from pipeline.config import load_config

    config = load_config(args.config)
    uri = args.bank or bank_uri(config, args.out or str(Path("out") / config.name))
    from collections import Counter

    from pipeline.console import warning_summary

    stats = build_bank(config, uri, use_ray=not args.local, address=args.address)
    warned = warning_summary(Counter(stats.pop("warnings")), None)
    print(json.dumps(stats, indent=1))
    if warned:
        print(warned, file=sys.stderr)
    return 0


def _bank_preview(args) -> int:
    import json

    from pipeline.render.asset_preview import preview

    out = Path(args.out)
    facts = preview(args.factories, args.seeds, out, args.px, args.samples)
    out.with_suffix(".json").write_text(json.dumps(facts, indent=1))
    for f in facts:
        print(f"{f['factory']} seed {f['seed']}: {'x'.join(f'{v:.2f}' for v in f['size'])} m, "
              f"{f['vertices']} vertices, {f['materials']} materials, {f['build_s']:.1f} s")
    print(f"grid: {out}")
    return 0


def _assets_check(args) -> int:
    from pipeline.bank.user import check_job_library
    from pipeline.config import load_config

    checked = check_job_library(load_config(args.config))
    lib = checked.library
    print(f"user assets OK: {len(lib.models)} models, {len(lib.hdris)} HDRIs, {len(lib.materials)} materials "
          f"({lib.source})")
    for name, facts in lib.licences().items():
        print(f"  {facts['kind']:8s} {name}: {facts['path']} ({facts['licence']})")
    return 0


def _assets_sha256(args) -> int:
    from pipeline.shards.storage import file_sha256
    from scenes.shared.user_assets import folder_sha256

    for path in args.paths:
        p = Path(path)
        if not p.exists():
            raise BadInput(f"{path}: no such file or folder")
        print(f"{folder_sha256(p) if p.is_dir() else file_sha256(p)}  {path}")
    return 0


def _contact_sheet(args) -> int:
    from pipeline.consumers.contact_sheet import contact_sheet, family_sheets

    if args.per_family:
        out_dir = args.out or args.dataset
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        for path in family_sheets(args.dataset, out_dir, per_family=args.per_family):
            print(f"wrote {path}")
        return 0
    out = args.out or str(Path(args.dataset) / "contact_sheet.png")
    views, pairs = contact_sheet(args.dataset, out, max_rows=args.rows)
    two_view = f"; {pairs} two-view pairs: input | second input | target" if pairs else ""
    print(f"contact sheet ({views} views: input | depth | normals | semantic{two_view}) written to {out}")
    return 0


def _summary(args) -> int:
    from pipeline.job import summary_text
    from pipeline.shards import layout
    from pipeline.shards.storage import Output

    output = Output(args.dataset)
    if not output.exists(layout.MANIFEST):
        raise NotADataset(f"{args.dataset}: no manifest.json; not a finished dataset")
    print(summary_text(output.read_json(layout.MANIFEST), args.dataset))
    return 0


def _fan_out_args(args) -> dict:
    return {"on_ray": not args.in_process, "address": args.address, "workers": args.workers,
            "progress": not args.no_progress}


def _add_fan_out_options(p: argparse.ArgumentParser) -> None:
    """Where a per-unit read of the dataset runs: the same ``--address`` rules as ``render``."""
    p.add_argument("--address", default=None, help="Ray cluster address ('auto' inside ray submit); "
                                                   "default $RAY_ADDRESS, else a private local Ray instance")
    p.add_argument("--workers", type=int, help="at most this many units at once (default: all the cluster's CPUs)")
    p.add_argument("--in-process", action="store_true", help="no Ray: read unit after unit in this process")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _stats(args) -> int:
    import json

    from pipeline.consumers.stats import dataset_stats, plot_stats

    stats = dataset_stats(args.dataset, **_fan_out_args(args))
    json_out = args.json or str(Path(args.dataset) / "stats.json")
    png_out = args.png or str(Path(args.dataset) / "stats.png")
    Path(json_out).write_text(json.dumps(stats, indent=1))
    plot_stats(stats, png_out)
    top = ", ".join(f"{k} {v:.1%}" for k, v in list(stats["class_pixel_share"].items())[:8])
    print(f"{stats['views']} views ({stats['kinds']}), {stats['pairs']} pairs; top classes: {top}")
    print(f"stats written to {json_out} and {png_out}")
    return 0


def _validate(args) -> int:
    from pipeline.consumers.validate import validate_dataset

    report = validate_dataset(args.dataset, sample=args.sample, seed=args.seed, **_fan_out_args(args))
    print(report.text())
    return 0 if report.ok else 1


def _mix(args) -> int:
    from pipeline.consumers.mix import describe, make_mix_spec, materialize, parse_weights, write_spec

    weights = parse_weights(args.tasks) if args.tasks else None
    ext_weights = None
    if args.external_weights:
        try:
            ext_weights = [float(w) for w in args.external_weights.split(",")]
        except ValueError:
            raise BadInput(f"--external-weights: {args.external_weights!r} is not a comma list of numbers") from None
    spec = make_mix_spec(args.datasets, weights, args.external or [], ext_weights, args.vision_ratio, args.seed)
    write_spec(spec, args.out)
    print(f"mix spec written to {args.out}:\n{describe(spec)}")
    if args.materialize:
        if not args.samples:
            raise BadInput("--materialize needs --samples N (how many samples to draw)")
        result = materialize(spec, args.materialize, args.samples, max_samples=args.max_samples)
        print(f"materialised {args.samples} samples into {len(result['shards'])} shards under {args.materialize}/mixed "
              f"(drawn per source: {result['drawn']}); spec {args.materialize}/mix.json")
    return 0


def _eval(args) -> int:
    import json

    from pipeline.consumers.evaluate import evaluate, table

    report = evaluate(args.predictions, args.dataset)
    if args.json == "-":
        print(json.dumps(report, indent=1))
        return 0
    print(table(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n")
        print(f"scores written to {args.json}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pipeline", description=__doc__.splitlines()[0])
    p.add_argument("-v", "--verbose", action="store_true", help="log at INFO level, and stream the workers' raw output (Blender, Infinigen) to the terminal")
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

    b = sub.add_parser("bank", help="the asset bank of baked Infinigen and procedural assets")
    bsub = b.add_subparsers(dest="bank_command", required=True)
    bb = bsub.add_parser("build", help="pre-build (or complete) the bank a job config needs; reuses what is there")
    bb.add_argument("config", help="job config YAML")
    bb.add_argument("--out", help="the job's dataset root; the bank goes to bank.uri, else <out>/bank")
    bb.add_argument("--bank", help="bank location (path or fsspec URI), overriding the config")
    bb.add_argument("--address", default=None, help="Ray cluster address; default: the config's, else local Ray")
    bb.add_argument("--local", action="store_true", help="bake in this process instead of on Ray actors")
    bb.set_defaults(func=_bank_build)
    bp = bsub.add_parser("preview", help="bake seeds of bank factories and render them as one grid PNG, to look at")
    bp.add_argument("factories", nargs="+", help="factory names (assets_manifest/infinigen.yaml, procedural.yaml)")
    bp.add_argument("--seeds", type=int, default=4, help="seeds 0..N-1 of each factory (default 4)")
    bp.add_argument("--out", required=True, help="grid PNG to write; its facts go beside it as .json")
    bp.add_argument("--px", type=int, default=256, help="tile size in pixels (default 256)")
    bp.add_argument("--samples", type=int, default=32, help="Cycles samples per tile (default 32)")
    bp.set_defaults(func=_bank_preview)

    a = sub.add_parser("assets", help="the user's own models, HDRIs and materials (README: Bring your own assets)")
    asub = a.add_subparsers(dest="assets_command", required=True)
    ac = asub.add_parser("check", help="check the config's user-asset manifest without rendering (files, sha256, "
                                       "classes, formats); exit 2 naming the first bad entry")
    ac.add_argument("config", help="job config YAML with an assets section")
    ac.set_defaults(func=_assets_check)
    ah = asub.add_parser("sha256", help="print the sha256 a manifest entry needs: of a file, or of a material "
                                        "folder's maps")
    ah.add_argument("paths", nargs="+")
    ah.set_defaults(func=_assets_sha256)

    c = sub.add_parser("contact-sheet", help="draw input | depth | normals | semantic rows (and two-view pairs) as one PNG")
    c.add_argument("dataset")
    c.add_argument("--out", help="PNG path; default <dataset>/contact_sheet.png")
    c.add_argument("--rows", type=int, default=12)
    c.add_argument("--per-family", type=int, default=0, metavar="N",
                   help="instead: one grid of N random views per scene family, written into --out (a folder)")
    c.set_defaults(func=_contact_sheet)

    s = sub.add_parser("summary", help="print a dataset's counts from its manifest")
    s.add_argument("dataset")
    s.set_defaults(func=_summary)
    st = sub.add_parser("stats", help="class shares, objects per view, depth/FOV/camera-height histograms")
    st.add_argument("dataset")
    st.add_argument("--json", help="JSON path; default <dataset>/stats.json")
    st.add_argument("--png", help="plot path; default <dataset>/stats.png")
    _add_fan_out_options(st)
    st.set_defaults(func=_stats)

    v = sub.add_parser("validate", help="check every shard, sample, index row and target, one Ray task per "
                                        "unit; non-zero if anything is bad")
    v.add_argument("dataset", help="dataset root (path or fsspec URI)")
    v.add_argument("--sample", type=float, metavar="FRACTION",
                   help="check a seeded random share of the work units (each with all its shards), e.g. 0.01")
    v.add_argument("--seed", type=int, default=0, help="seed of --sample")
    _add_fan_out_options(v)
    v.set_defaults(func=_validate)

    m = sub.add_parser("mix", help="write a webdataset mix spec (task weights, external shard sets), "
                                   "optionally materialised")
    m.add_argument("datasets", nargs="+", help="dataset roots whose pairs go into the mix")
    m.add_argument("--out", required=True, help="mix spec JSON to write")
    m.add_argument("--tasks", help="task weights within the vision pairs, e.g. depth=2,normals=1,semantic=1; "
                                   "default: every task in its natural proportion")
    m.add_argument("--external", action="append", help="an external WebDataset shard set: brace pattern, "
                                                       "@list.txt or a folder of .tar (repeatable)")
    m.add_argument("--external-weights", help="relative weights of the --external sets, e.g. 3,1 (default equal)")
    m.add_argument("--vision-ratio", type=float,
                   help="share of samples drawn from the vision pairs (needed with --external)")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--materialize", metavar="DIR", help="also write the mixed shards to DIR/mixed/ (with DIR/mix.json)")
    m.add_argument("--samples", type=int, help="number of samples to materialise")
    m.add_argument("--max-samples", type=int, default=1000, help="samples per materialised shard")
    m.set_defaults(func=_mix)

    e = sub.add_parser("eval", help="decode predicted RGB PNGs (<pair key>.png) and score them against the labels")
    e.add_argument("predictions", help="folder of <pair key>.png predictions")
    e.add_argument("dataset", help="dataset root (path or fsspec URI)")
    e.add_argument("--json", help="also write the scores as JSON to this path ('-': print JSON instead of the table)")
    e.set_defaults(func=_eval)
    return p


def main(argv: list[str] | None = None) -> int:
    from pipeline import errors

    from pipeline import console

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    console.set_verbose(args.verbose)
    if not args.verbose:
        console.quiet_libraries()
    try:
        return args.func(args)
    except errors.BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return errors.EXIT_BAD_INPUT
    except errors.UnitsQuarantined as exc:
        print(f"incomplete: {exc}", file=sys.stderr)
        return errors.EXIT_QUARANTINED
    except errors.EnvironmentFailure as exc:
        print(f"error: {exc}", file=sys.stderr)
        return errors.EXIT_ENVIRONMENT
    except BrokenPipeError:  # the reader went away (`pipeline summary DATASET | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return errors.EXIT_OK
    except KeyboardInterrupt as exc:
        detail = f"{exc} " if isinstance(exc, errors.JobInterrupted) else ""
        print(f"\n{detail}stopped. Run the same command again to resume: "
              f"pipeline {' '.join(sys.argv[1:] if argv is None else argv)}", file=sys.stderr)
        return errors.EXIT_INTERRUPTED
    except Exception as exc:
        cause = errors.environment_cause(exc)
        if cause is None:
            raise  # a bug: Python prints the traceback and exits 1
        print(f"error: {cause}. Fix it and run the same command again.", file=sys.stderr)
        return errors.EXIT_ENVIRONMENT


if __name__ == "__main__":
    sys.exit(main())
