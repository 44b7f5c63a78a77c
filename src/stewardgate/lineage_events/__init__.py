"""OpenLineage run events for every dataset run (``run --openlineage FILE|URL``).

:mod:`.events` builds the events with the OpenLineage Python client (imported only when
events are asked for); :mod:`.emit` writes them to a file or posts them to an endpoint.
"""
