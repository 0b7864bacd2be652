"""Our own procedural asset factories, baked into the asset bank beside Infinigen's.

Each module builds one kind of thing in Blender, in Infinigen's style: a ``<Name>Factory(seed)`` class
whose ``spawn_asset(seed)`` returns the root object of a seeded, metric-size asset with detailed
geometry and several materials (:class:`pipeline.render.factories.base.ProceduralFactory`). The bank
bakes them exactly like Infinigen's (:func:`pipeline.render.asset_build.build_asset`); scenes name them
in ``assets_manifest/procedural.yaml`` and the view json gives their source as ``procedural:<Factory>``.

Shared pieces: :mod:`.base` (the factory interface and anchors), :mod:`.mesh` (geometry helpers),
:mod:`.surfaces` (materials: plain principled ones and Infinigen's). One module per kind:
:mod:`.vehicles`, :mod:`.two_wheelers`, :mod:`.people`, :mod:`.street_furniture`, :mod:`.facades`,
:mod:`.kitchen`, :mod:`.soft_furnishings`.
"""
