"""Codec version written into every pair: bump when any target's bytes or prompt library change."""

CODEC_VERSION = "1.1.0"  # 1.1: instance pairs paint only what the decoder reads back (``ignored``)
