"""Exports appear whole or not at all: write under a temporary name, then rename into place.

:func:`atomic_file` yields a sibling temporary path (``.NAME.part-PID``) and renames it onto
the target with :func:`os.replace` once the block finishes; an exception (or a kill) leaves
the previous file untouched. :func:`atomic_dir` does the same for a directory of tables: the
new directory is built beside the old one, then the two are exchanged in one
``renameat2(RENAME_EXCHANGE)`` call on Linux (two renames elsewhere), and the old one is
removed. The standard library has no directory swap, hence the few lines of ctypes here.

A directory that holds files the export would not write is refused rather than replaced, so
pointing ``--out`` at a folder of one's own never deletes it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator

from claimtrace.errors import E035, ClaimtraceError

__all__ = ["atomic_dir", "atomic_file", "exchange"]

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _stale_parts(parent: str, stem: str) -> None:
    """Remove temporaries ``.stem.part-PID*`` left by a killed export whose process is gone."""
    prefix = f".{stem}.part-"
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        if not name.startswith(prefix):
            continue
        pid = name[len(prefix) :].split(".")[0].split("-")[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        path = os.path.join(parent, name)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _split(out: str) -> tuple[str, str]:
    target = os.path.abspath(out)
    parent, stem = os.path.split(target)
    os.makedirs(parent, exist_ok=True)
    _stale_parts(parent, stem)
    return parent, stem


@contextlib.contextmanager
def atomic_file(out: str) -> Iterator[str]:
    """A temporary path beside ``out``; renamed onto ``out`` when the block ends without error."""
    parent, stem = _split(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{stem}.part-{os.getpid()}-", dir=parent)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def exchange(a: str, b: str) -> bool:
    """Swap two existing paths in one step (Linux ``renameat2``); False where it is not available."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return int(rc) == 0


@contextlib.contextmanager
def atomic_dir(out: str, *, owns: Iterable[str] = ()) -> Iterator[str]:
    """A fresh temporary directory beside ``out``; it replaces ``out`` when the block ends without error.

    ``owns``: the file names the export writes. An existing ``out`` holding anything else is
    refused (E035) before any work is done.
    """
    target = os.path.abspath(out)
    if os.path.exists(target):
        if not os.path.isdir(target):
            raise ClaimtraceError(E035, path=out, detail="it is a file, not a directory")
        foreign = sorted(set(os.listdir(target)) - set(owns))
        if foreign:
            raise ClaimtraceError(E035, path=out, detail=f"it holds other files ({', '.join(foreign[:3])})")
    parent, stem = _split(out)
    tmp = tempfile.mkdtemp(prefix=f".{stem}.part-{os.getpid()}-", dir=parent)
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        if not os.path.exists(target):
            os.rename(tmp, target)
            return
        if not exchange(tmp, target):  # no atomic swap here: two renames, the old one kept until the end
            old = tempfile.mkdtemp(prefix=f".{stem}.part-{os.getpid()}-old-", dir=parent)
            os.rmdir(old)
            os.rename(target, old)
            os.rename(tmp, target)
            tmp = old
        shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
