"""Benchmarks of ENT Parents: `python -m bench [coldstart|roundtrips|sweep ...]` (see bench/README.md).

They measure and print; they never fail the build on a figure (machines here are shared and noisy).
"""

BENCHMARKS = ("coldstart", "roundtrips", "sweep", "guess_timing", "lighthouse", "rentree", "capacity", "cost", "load")
