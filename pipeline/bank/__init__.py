"""The asset bank: baked Infinigen assets, generated once per (factory, seed, library version, params).

- :mod:`pipeline.bank.store`: the content-addressed store on the job's output filesystem (local or
  ``s3://``): ``assets/<key>.blend`` plus one ``entries/<key>.json`` record each, published last, and a
  ``manifest.json`` listing them all with their sha256.
- :mod:`pipeline.bank.plan`: which entries a job config needs (pure).
- :mod:`pipeline.bank.build`: builds the missing ones, locally or on Ray actors, and writes the manifest.
The Blender side of one entry is :mod:`pipeline.render.asset_build`.
"""
