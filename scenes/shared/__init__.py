"""Pieces every family uses: the asset manifest and bank catalogue, geometry, materials, sizes, view rules and the user's content."""
