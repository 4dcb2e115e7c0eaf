"""Tests of one capability (a package, so test module names may repeat)."""
