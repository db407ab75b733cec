"""Jobs on the thread pool: every way a job can end arrives as the right signal."""

from __future__ import annotations

import threading

import pytest

from sourcewise.core.errors import Cancelled, ConfigError
from sourcewise.core.progress import Progress
from sourcewise.core.types import IndexReport
from sourcewise.desktop.workers import Job, JobRunner

pytestmark = pytest.mark.gui


@pytest.fixture
def runner(qtbot):  # type: ignore[no-untyped-def]
    r = JobRunner(max_threads=1)
    yield r
    assert r.shutdown(5000)


def test_result_and_progress_arrive_on_the_ui_thread(qtbot, runner: JobRunner) -> None:
    threads: list[int] = []

    def work(job: Job) -> str:
        threads.append(threading.get_ident())
        job.report_progress(Progress("step", done=1, total=1))
        job.emit_token("hi")
        return "done"

    job = Job("test", work)
    got: list[object] = []
    job.signals.progress.connect(got.append)
    job.signals.token.connect(got.append)
    with qtbot.waitSignal(job.signals.finished, timeout=5000) as blocker:
        runner.start(job)
    assert blocker.args == ["done"]
    qtbot.waitUntil(lambda: not runner.live)
    assert threads and threads[0] != threading.get_ident()
    assert any(isinstance(g, Progress) for g in got) and "hi" in got


def test_cancelled_is_a_normal_end(qtbot, runner: JobRunner) -> None:
    def work(job: Job) -> None:
        job.cancel_token.wait(5)
        job.cancel_token.check()

    job = Job("slow", work)
    failed: list[str] = []
    job.signals.failed.connect(failed.append)
    with qtbot.waitSignal(job.signals.cancelled, timeout=5000):
        runner.start(job)
        job.cancel()
    assert failed == []


def test_a_cancelled_job_keeps_the_partial_report_it_was_given(qtbot, runner: JobRunner) -> None:
    partial = IndexReport("default", files_seen=9, files_indexed=4, cancelled=True)

    def work(job: Job) -> IndexReport:
        raise Cancelled("indexing cancelled", report=partial)

    job = Job("indexing", work)
    finished: list[object] = []
    job.signals.finished.connect(finished.append)
    with qtbot.waitSignal(job.signals.cancelled, timeout=5000):
        runner.start(job)
    assert job.result is partial and finished == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ConfigError("bad setting x"), "bad setting x"),
        (KeyError("oops"), "Unexpected error in job"),
    ],
)
def test_errors_become_failed_messages(
    qtbot, runner: JobRunner, error: Exception, expected: str
) -> None:
    def work(_job: Job) -> None:
        raise error

    job = Job("job", work)
    with qtbot.waitSignal(job.signals.failed, timeout=5000) as blocker:
        runner.start(job)
    assert expected in blocker.args[0]


def test_a_job_cancelled_while_queued_never_runs(qtbot, runner: JobRunner) -> None:
    ran: list[bool] = []
    job = Job("queued", lambda _job: ran.append(True))
    job.cancel()
    with qtbot.waitSignal(job.signals.cancelled, timeout=5000):
        runner.start(job)
    assert ran == []


def test_the_qt_binding_keeps_reference_counts_right() -> None:
    """PySide6 6.12.0 on CPython 3.11 dropped a reference to None on every void Qt call and to
    True on every emit, which crashed long sessions (pyproject pins <6.12). Catch a regression."""
    import sys

    from sourcewise.desktop.qt import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        probe.setObjectName("probe")
        probe.ping.emit()
    assert none_before - sys.getrefcount(None) < 100
    assert true_before - sys.getrefcount(True) < 100


def test_a_job_asked_for_after_shutdown_never_runs(qtbot) -> None:  # type: ignore[no-untyped-def]
    # A queued "index ended" can ask for a library refresh while the window closes; that read
    # must not run on the store the engine is closing.
    runner = JobRunner(max_threads=1)
    assert runner.shutdown(5000)
    ran: list[str] = []
    job = runner.start(Job("late", lambda _job: ran.append("ran")))
    assert runner.pool.waitForDone(2000)
    qtbot.wait(50)
    assert ran == [] and not job.running and runner.live == []
