"""The kit's benchmarks: ``python benchmarks/run.py`` (``./kit bench``) prints one table.

Speed is measured here, by a script that prints figures, never by timed tests. Each
``bench_*`` module measures one thing and returns :class:`~benchmarks.figures.Figure` rows.
"""
