"""Family ``outdoor_nature``: landscapes with trees, bushes and rocks."""
