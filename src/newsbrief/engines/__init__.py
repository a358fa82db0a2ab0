"""Engines that run a batch beyond one process (see :mod:`newsbrief.engines.ray_engine`)."""
