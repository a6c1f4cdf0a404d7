"""The log file: where unexpected errors and their tracebacks go, never to the person's screen.

A rotating file under the platform's user log directory (``LOKET_LOG_DIR`` overrides it), readable
by its owner only. Secrets the process knows (the host key) are registered with ``redact`` and
replaced before a line is written, as a second line of defence: nothing logs them on purpose.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

from loket.store.files import appending

LOG_NAME = "loket.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
_secrets: set[str] = set()


def log_dir() -> Path:
    return Path(
        os.environ.get("LOKET_LOG_DIR") or platformdirs.user_log_dir("loket", appauthor=False)
    )


def log_path() -> Path:
    return log_dir() / LOG_NAME


def redact(secret: str) -> None:
    """Never write this string to the log (a host key, a token)."""
    if secret and len(secret) >= 4:
        _secrets.add(secret)


class _Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if _secrets:
            text = record.getMessage()
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            for secret in _secrets:
                text = text.replace(secret, "[disembunyikan]")
                if record.exc_text:
                    record.exc_text = record.exc_text.replace(secret, "[disembunyikan]")
            record.msg, record.args = text, None
        return True


class _QuietFile(logging.handlers.RotatingFileHandler):
    def handleError(self, record: logging.LogRecord) -> None:
        pass  # a full disk: the line is lost, and no traceback reaches the person's screen

    def _open(self):  # each new file after a rotation too: 0600, whatever the umask
        return appending(Path(self.baseFilename), self.encoding, self.errors)


def setup(level: int = logging.INFO) -> Path | None:
    """Send loket's log records to the rotating file; None when the folder cannot be written
    (logging must never be the reason a payment fails)."""
    root = logging.getLogger("loket")
    root.propagate = False  # python-escpos calls logging.basicConfig(): never to the screen
    path = log_path()
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return path
    try:
        handler = _QuietFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        root.addHandler(logging.NullHandler())  # else logging's last resort prints to stderr
        return None
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s")
    )
    handler.addFilter(_Redact())
    root.addHandler(handler)
    root.setLevel(level)
    return path
