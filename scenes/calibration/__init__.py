"""Family ``calibration``: analytic scenes whose labels are known in closed form."""
