"""Benchmarks: each runs as `python -m bench.<name> --scale N` and prints one JSON line last."""
