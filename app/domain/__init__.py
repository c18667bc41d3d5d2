"""Pure domain code: criteria catalog, vocabularies, scoping, sampling, readiness.

Nothing here imports Qt, SQL or knows where the workspace lives.
"""
