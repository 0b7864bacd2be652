"""Shared by the render benchmarks: Infinigen content from an existing asset bank, or primitives.

``--config CONFIG --bank URI`` make the benchmark's scenes draw from the bank a job built (e.g. the
coverage run's ``out/mixed200/bank``), so before/after figures compare the same scenes and seeds with
``content: primitive`` and ``content: infinigen``.
"""

from __future__ import annotations

import argparse


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--config", help="job config whose bank settings name the variants (with --bank)")
    ap.add_argument("--bank", help="asset bank URI: scenes use Infinigen content from it (default: primitives)")


def source(args: argparse.Namespace):
    """``(catalogue, asset_resolver)``: both ``None`` without ``--bank`` (primitive content)."""
    if not args.bank:
        return None, None
    if not args.config:
        raise SystemExit("--bank needs --config (the job config the bank was built for)")
    from pipeline.bank.build import job_catalogue
    from pipeline.bank.store import AssetBank
    from pipeline.config import load_config

    return job_catalogue(load_config(args.config), args.bank), AssetBank(args.bank).resolver()


def params(family: str, catalogue) -> dict:
    """Scene params that select the content: the family's default (Infinigen) with a catalogue, else primitive."""
    from scenes import primitive_params

    return {} if catalogue is not None else primitive_params(family)
