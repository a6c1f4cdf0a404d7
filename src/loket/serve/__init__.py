"""``loket serve``: a local HTTP API for the shop's own POS. A client of the services, like the
TUI: it parses and answers, ``service/pos.py`` decides."""
