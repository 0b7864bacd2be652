"""Street furniture: bollards (more kinds follow in this module).

Sizes follow common municipal catalogues: bollards 0.8-1.1 m tall, 0.1-0.25 m across.
"""

from __future__ import annotations

import math

import numpy as np

from pipeline.render.factories import mesh, surfaces
from pipeline.render.factories.base import ProceduralFactory


class BollardFactory(ProceduralFactory):
    """A round or square bollard: a lathed post with a domed or flat cap and a reflective band."""

    def create_asset(self, **spawn):
        r = self.rng
        height = r.uniform(0.8, 1.1)
        radius = r.uniform(0.05, 0.125)
        square = r.random() < 0.3
        body = surfaces.principled("bollard_body", r.choice([(0.02, 0.02, 0.02), (0.15, 0.15, 0.16), (0.5, 0.5, 0.5)]),
                                   roughness=r.uniform(0.3, 0.6), metallic=r.choice([0.0, 1.0]), noise=0.2)
        band = surfaces.principled("bollard_band", r.choice([(0.8, 0.8, 0.78), (0.8, 0.6, 0.03)]), roughness=0.3)
        root = mesh.empty("bollard")
        profile = (mesh.rounded_rect(2 * radius, 2 * radius, radius * 0.2) if square
                   else mesh.superellipse(radius, radius, 2.0, 32))
        if square:
            profile = profile[np.linspace(0, len(profile) - 1, 32).astype(int)]
        dome = r.random() < 0.6
        zs = np.linspace(0.0, height - (radius if dome else 0.02), 6)
        rings = [np.column_stack([profile, np.full(len(profile), z)]) for z in zs]
        if dome:
            for a in np.linspace(0.2, 1.0, 5) * math.pi / 2:
                rings.append(np.column_stack([profile * math.cos(a), np.full(len(profile), zs[-1] + radius * math.sin(a))]))
        mesh.loft("bollard_post", rings, body, parent=root)
        band_z = height * r.uniform(0.7, 0.82)
        mesh.loft("bollard_band", [np.column_stack([profile * 1.02, np.full(len(profile), z)])
                                   for z in (band_z, band_z + 0.06)], band, parent=root)
        mesh.loft("bollard_base", [np.column_stack([profile * s, np.full(len(profile), z)])
                                   for s, z in ((1.25, 0.0), (1.25, 0.02), (1.05, 0.05))], body, parent=root)
        return root
