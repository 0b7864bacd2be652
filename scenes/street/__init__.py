"""Family ``outdoor_street``: city streets (the family module, and its buildings, vehicles, people and street furniture primitives)."""
