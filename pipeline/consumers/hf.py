"""Hugging Face adapters: the column names other trainers expect.

diffusers' ``train_instruct_pix2pix.py`` reads ``input_image``, ``edit_prompt`` and ``edited_image``
(its ``--original_image_column``, ``--edit_prompt_column``, ``--edited_image_column`` defaults):

    from datasets import load_dataset
    from pipeline.consumers.hf import instruct_pix2pix
    train = instruct_pix2pix(load_dataset("out/quickstart", "pairs", split="train"))
"""

from __future__ import annotations

INSTRUCT_PIX2PIX = {"input.png": "input_image", "prompt.txt": "edit_prompt", "target.png": "edited_image"}
SECOND_INPUT = {"input2.png": "input_image_2"}  # two-view pairs (flow, disparity); None in one-view pairs


def instruct_pix2pix(pairs, keep_json: bool = True):
    """``pairs`` (a ``datasets`` Dataset or IterableDataset of the pairs config) with diffusers'
    InstructPix2Pix column names; ``keep_json`` keeps the pair json (decoding needs it), else only
    the three columns remain. JPEG inputs (``input.jpg``) are renamed the same way. A dataset with two-view
    pairs also has ``input_image_2``, the second input (None in one-view pairs): a trainer conditioning
    on two images reads it, diffusers' one-image script ignores it."""
    columns = list(pairs.column_names or pairs.features)
    jpg = "input.jpg" in columns
    mapping = {(c.replace(".png", ".jpg") if jpg and c.startswith("input") else c): n
               for c, n in INSTRUCT_PIX2PIX.items()}
    second = "input2.jpg" if jpg else "input2.png"
    if second in columns:
        mapping[second] = SECOND_INPUT["input2.png"]
    renamed = pairs.rename_columns(mapping)
    keep = list(mapping.values()) + (["json", "__key__"] if keep_json else [])
    return renamed.select_columns(keep)
