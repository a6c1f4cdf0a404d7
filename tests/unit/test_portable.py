"""Kiosk PCs mostly run Windows: nothing POSIX-only on the app's import path, and the locks that
keep one forwarder per database behave the same whichever thread takes or gives them up."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

from loket.store import files
from loket.store.files import FileLock
from loket.sync.lock import ForwarderLock

# Every module of the app, imported with the POSIX-only standard modules made unimportable.
IMPORT_ALL = textwrap.dedent("""
    import importlib, pkgutil, sys, warnings
    for name in ("fcntl", "termios", "tty", "pty", "pwd", "grp", "resource"):
        sys.modules[name] = None  # what Windows has of them
    warnings.simplefilter("ignore")  # filelock says it falls back; on Windows it uses msvcrt
    import loket
    for info in pkgutil.walk_packages(loket.__path__, "loket."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue  # alembic's scripts run inside alembic; __main__ starts the app
        try:
            importlib.import_module(info.name)
        except ImportError as exc:
            print(info.name, exc)
""")


def test_no_module_of_the_app_needs_a_posix_only_module():
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_without_getuid_files_are_left_as_they_are(tmp_path, monkeypatch):
    path = tmp_path / "loket.db"
    path.write_bytes(b"")
    os.chmod(path, 0o644)
    monkeypatch.delattr(os, "getuid")  # Windows: no owners to compare, no modes to tighten
    assert not files.owned(path)
    files.tighten(path)
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_second_forwarder_stands_aside_until_the_first_lets_go(tmp_path):
    first, second = ForwarderLock(tmp_path / "loket.db"), ForwarderLock(tmp_path / "loket.db")
    assert first.acquire() and first.acquire()  # taking it again is a no-op
    assert not second.acquire() and not second.held
    first.release()
    assert second.acquire() and second.held
    second.release()


def test_the_forwarder_lock_taken_in_a_worker_is_given_up_on_the_main_thread(tmp_path):
    lock = ForwarderLock(tmp_path / "loket.db")  # the counter: drains in a worker, exits on main
    worker = threading.Thread(target=lock.acquire)
    worker.start()
    worker.join()
    assert lock.held
    lock.release()
    assert not lock.held
    assert ForwarderLock(tmp_path / "loket.db").acquire()


def test_a_busy_file_lock_is_given_up_after_its_timeout(tmp_path):
    path = tmp_path / "loket.db.anchor.lock"
    with FileLock(path) as held:
        assert held.acquired
        with FileLock(path, timeout=0.05) as waiting:
            assert not waiting.acquired
    with FileLock(path, timeout=0.05) as later:
        assert later.acquired
