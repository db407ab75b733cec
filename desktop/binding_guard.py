"""A guard against a reference-counting defect in PySide6 6.12.0 on CPython 3.11.

With those wheels, every call of a Qt method that returns nothing drops one reference to
``None``, and every ``Signal.emit()`` drops one to ``True`` (measured here: 200 ``setText``
calls, 200 fewer references to ``None``; PySide6 6.11.3 is clean). A long session then dies
with "Fatal Python error: none_dealloc" / "bool_dealloc". Python 3.12+ is immune (those objects
are immortal there). The real fix is the dependency pin ``PySide6-Essentials<6.12``; until
then :func:`guard` detects the defect and gives the three singletons so many extra
references (2**40) that no session can use them up. Extra references to objects that are
never freed anyway cost nothing.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)
_RESERVE = 1 << 40
_guarded = False


def defect_present() -> bool:
    """True when Qt calls from Python lose references to ``None`` or ``True``."""
    from sourcewise.desktop.qt import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(64):
        probe.setObjectName("probe")  # returns nothing
        probe.ping.emit()
    lost_none = none_before - sys.getrefcount(None)
    lost_true = true_before - sys.getrefcount(True)
    if lost_none > 0 or lost_true > 0:  # give back what the probe itself took
        _add_references(None, max(0, lost_none))
        _add_references(True, max(0, lost_true))
    return lost_none >= 32 or lost_true >= 32


def guard() -> bool:
    """Apply the reserve when this interpreter and binding need it; True when applied."""
    global _guarded
    if _guarded:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if not defect_present():
        return False
    for obj in (None, True, False):
        _add_references(obj, _RESERVE)
    _guarded = True
    from sourcewise.desktop.qt import BINDING_VERSION

    log.warning("PySide6 %s loses references to None/True on Qt calls; guarded against it "
                "(install PySide6-Essentials<6.12 to fix it properly)", BINDING_VERSION)  # fmt: skip
    return True


def _add_references(obj: object, count: int) -> None:
    # ob_refcnt is the first field of every CPython object; id() is the object's address.
    cell = ctypes.c_ssize_t.from_address(id(obj))
    cell.value += count
