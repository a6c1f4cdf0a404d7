"""Host adapters: the interface, request signing and the clients that speak to a host.

httpx imports its command-line client at import time when click and rich are installed (Textual
brings rich): about 0.2 s of click, rich and pygments that loket never uses. A ``None`` entry in
``sys.modules`` makes that one optional import fail as if they were absent, which httpx handles
(its ``httpx.main`` then only says the CLI is unavailable). Only when httpx is not loaded yet.
"""

import sys

if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None blocks it
