"""Helpers of the tests (not tests themselves): data paths, scorecard builders, the Harper
Valley Bank references, transcript invariants, WER. The synthetic calls are in tests/factories.py,
which the benchmarks share."""
