"""Ctrl-C that cannot be swallowed by a finalizer.

Python's default SIGINT handler raises KeyboardInterrupt in whatever Python code runs next. When that is a
``__del__`` method or a weakref.finalize callback run by the garbage collector, the interpreter prints
"Exception ignored in ..." with a traceback and goes on: the Ctrl-C is lost and the command runs to its end
(seen with `xtreme demo`: regex's Group.__del__ during tokenization, exit 0 twelve seconds later). This
handler raises only outside finalizers; inside one, it re-sends the interrupt to the main thread a moment
later, once the finalizer has returned.
"""

from __future__ import annotations

import _thread
import signal
import threading


def _in_finalizer(frame) -> bool:
    """Whether a ``__del__`` method or a weakref.finalize callback is running (anywhere up the stack)."""
    while frame is not None:
        code = frame.f_code
        if code.co_name == "__del__" or (code.co_filename.endswith("weakref.py")
                                         and code.co_name in ("__call__", "_exitfunc")):
            return True
        frame = frame.f_back
    return False


def _interrupt(signum, frame):
    if _in_finalizer(frame):
        threading.Timer(0.05, _thread.interrupt_main).start()  # again, after the finalizer has returned
        return
    raise KeyboardInterrupt


def install() -> None:
    """Call once in the main thread at start-up (cli.main), before any command runs."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when SIGINT is ignored (nohup)
        signal.signal(signal.SIGINT, _interrupt)
