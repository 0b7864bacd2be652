"""Family ``indoor_room``: furnished rooms (the family module, and its rooms, openings, layout and pieces)."""
