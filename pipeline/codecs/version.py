"""Codec version written into every pair: bump when any target's bytes or prompt library change."""

CODEC_VERSION = "1.2.0"  # 1.2: flow and disparity targets, view_keys; 1.1: instance pairs paint only what decodes
