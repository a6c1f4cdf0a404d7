"""The native (``loket``) protocol: ``client`` (the adapter), ``replies`` (what it said, judged),
``codes`` (its response codes: class, meaning, the cashier's words)."""
