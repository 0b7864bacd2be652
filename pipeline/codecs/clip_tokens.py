"""Count a prompt's tokens as CLIP's text encoder sees them (Stable Diffusion, InstructPix2Pix).

CLIP encodes at most 77 tokens, start and end markers included; trainers truncate the rest, which cuts
a semantic prompt's class list short. The count here is CLIP's byte-level BPE with its own merge table
(``data/clip_bpe_simple_vocab_16e6.txt.gz``, MIT, OpenAI; shipped in this package, so nothing is
downloaded): text is lower-cased with whitespace collapsed, split into words, single digits and
punctuation runs, each piece's UTF-8 bytes are mapped to characters and merged pair by pair in the
table's order. Prompts here are ASCII, so CLIP's ``ftfy`` text repair has nothing to change.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

import regex

CONTEXT = 77  # CLIP's context, start and end markers included
MARKERS = 2
_MERGES = Path(__file__).parent / "data" / "clip_bpe_simple_vocab_16e6.txt.gz"
_N_MERGES = 49152 - 256 - 2
_PIECES = regex.compile(r"'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", regex.IGNORECASE)


@lru_cache(maxsize=1)
def _byte_chars() -> dict[int, str]:
    """Each byte -> a printable character (bytes that are printable Latin-1 map to themselves)."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return chars


@lru_cache(maxsize=1)
def _ranks() -> dict[tuple[str, str], int]:
    with gzip.open(_MERGES, "rt", encoding="utf-8") as f:
        lines = f.read().split("\n")[1:_N_MERGES + 1]
    return {tuple(line.split()): i for i, line in enumerate(lines)}


@lru_cache(maxsize=65536)
def _bpe_len(piece: str) -> int:
    """Number of BPE tokens of one pre-tokenised piece."""
    ranks = _ranks()
    word = list(piece[:-1]) + [piece[-1] + "</w>"]
    while len(word) > 1:
        pairs = [(ranks.get((a, b), None), i) for i, (a, b) in enumerate(zip(word, word[1:]))]
        best = min((r, i) for r, i in pairs if r is not None) if any(r is not None for r, _ in pairs) else None
        if best is None:
            break
        first, second = word[best[1]], word[best[1] + 1]
        merged, i = [], 0
        while i < len(word):  # merge every occurrence of the best pair, left to right
            if i < len(word) - 1 and word[i] == first and word[i + 1] == second:
                merged.append(first + second)
                i += 2
            else:
                merged.append(word[i])
                i += 1
        word = merged
    return len(word)


def count_tokens(text: str) -> int:
    """CLIP tokens of ``text``, without the start and end markers (so at most ``CONTEXT - MARKERS`` fit)."""
    chars = _byte_chars()
    clean = " ".join(text.split()).lower()
    return sum(_bpe_len("".join(chars[b] for b in piece.encode("utf-8"))) for piece in _PIECES.findall(clean))
