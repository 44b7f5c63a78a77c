"""Access: the data's real access (database grants, file modes) against the suite's ``access:``.

``observe_pg`` reads a PostgreSQL table's effective privileges from ``pg_catalog``;
``observe_files`` reads local files' owners and mode bits; ``judge`` turns what they observed,
the declaration and the accepted baseline (``baseline``) into results.
"""
