"""Codec version written into every pair: bump when any target's bytes or prompt library change."""

CODEC_VERSION = "1.0.0"
