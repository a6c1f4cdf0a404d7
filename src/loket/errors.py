"""The one base for problems a person can act on.

A ``LoketError`` carries a message for the person at the keyboard (Indonesian, one line) and the
exit code a command ends with. Anything that is not a ``LoketError`` is a bug: it is logged with
its traceback and the person is told only that something unexpected happened and where the log is.
"""

from __future__ import annotations


class LoketError(Exception):
    """A user-facing problem: the message is for the cashier or owner, in Indonesian."""

    exit_code = 2  # a mistake in what was asked (input, configuration)


class StorageError(LoketError):
    """The database or the disk cannot do what was asked; the message says what is safe."""

    exit_code = 1
