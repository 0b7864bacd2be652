"""Task codecs: labels -> (target RGB, prompt, metadata) and any RGB image -> labels, in pure numpy.

Nothing here imports Blender or Ray. Formulas: docs/FORMAT.md ("Task codecs"); the tasks that use these
codecs to make, check and score pairs live in :mod:`pipeline.tasks`.

- Raw codecs: ``encode_depth(depth) -> uint8 HxWx3``, ``decode_depth(rgb) -> float32 HxW`` (+inf = no hit),
  ``encode_normals(normals, valid=None)``, ``decode_normals(rgb) -> float32 HxWx3`` (zero = no normal).
- Per task, ``encode_*(...) -> (target_rgb, prompt, meta)`` and ``decode_*(rgb, meta_or_prompt) -> labels``:
  depth (``*_depth_task``, float32 HxW), normals (``*_normals_task``), semantic (uint16 HxW class ids),
  instance (list of HxW bool masks), referring ({phrase: HxW bool mask}).
- Two-view tasks (``encode_flow(flow, state, range_px)``, ``encode_disparity(disp, state, range_px)`` and their
  ``*_task`` forms): decoders return (values, uint8 state) with the states of :mod:`pipeline.correspondence`.
"""

from pipeline.codecs.dense import decode_depth_task, decode_normals_task, encode_depth_task, encode_normals_task
from pipeline.codecs.depth import decode_depth, encode_depth
from pipeline.codecs.disparity import decode_disparity, decode_disparity_task, encode_disparity, encode_disparity_task
from pipeline.codecs.flow import decode_flow, decode_flow_task, encode_flow, encode_flow_task
from pipeline.codecs.instance import cluster_instances, decode_instance, encode_instance, parse_instance_prompt
from pipeline.codecs.normals import decode_normals, encode_normals
from pipeline.codecs.referring import decode_referring, encode_referring, parse_referring_prompt
from pipeline.codecs.semantic import decode_semantic, encode_semantic, parse_semantic_prompt
from pipeline.codecs.version import CODEC_VERSION

__all__ = [
    "CODEC_VERSION",
    "cluster_instances",
    "decode_depth",
    "decode_depth_task",
    "decode_disparity",
    "decode_disparity_task",
    "decode_flow",
    "decode_flow_task",
    "decode_instance",
    "decode_normals",
    "decode_normals_task",
    "decode_referring",
    "decode_semantic",
    "encode_depth",
    "encode_depth_task",
    "encode_disparity",
    "encode_disparity_task",
    "encode_flow",
    "encode_flow_task",
    "encode_instance",
    "encode_normals",
    "encode_normals_task",
    "encode_referring",
    "encode_semantic",
    "parse_instance_prompt",
    "parse_referring_prompt",
    "parse_semantic_prompt",
]
