"""The owner's PostgreSQL hub: every counter's ledger in one database (issue 12).

``connect`` opens it, ``schema`` creates it and its roles, ``pusher`` copies a counter's outbox
into it (``ingest``: what the hub will store, and what it sets aside), ``owner`` reads every
outlet's day back out.
"""
