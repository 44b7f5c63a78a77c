"""Great Expectations vocabulary in suites: the catalogue of types, validation and planning.

``catalogue`` reads the committed ``catalogue.json`` (generated from GX's registry by
``generate``, the only module here that imports GX); ``validate`` checks the ``expectations:``
entries of a suite against it with located errors and suggestions; ``entries`` turns valid
entries into planned checks with stable ids. Running them is ``stewardgate.engines.gx``.
"""
