"""Benchmark-only code: catalogues, ceiling, servers under load (bench/README.md).

A leaf: nothing in the project or its tests imports it. It builds its catalogue with
the tests' factories and starts servers with the tests' helper (tests/servers.py), so
that each of those exists once, in the test suite that needs them anyway.
"""
