"""An indexing job's files, fed to its parsers only once their content is claimed
(``Store.claims``), so indexers sharing a team library split a folder between them instead of
embedding it twice; a file whose content another indexer holds waits until that one has stored
it (then it is linked, as a duplicate is) or has given it up (then it is claimed here).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from sourcewise.core.ingest.scan import Candidate
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback
from sourcewise.core.store.protocol import Store

Work = tuple[Candidate, str]  # a file and its content's sha256

_GROUP = 16  # files claimed per round trip to the server
_POLL_S = 0.5  # how often an idle job looks at the files another indexer holds


class ClaimedWork:
    def __init__(
        self, store: Store, work: list[Work], link_known: Callable[[Candidate, str], None]
    ) -> None:
        self.store = store
        self.unclaimed = deque(work)
        self.elsewhere: list[Work] = []  # held by another indexer when last asked
        self.link_known = link_known

    def done(self) -> bool:
        return not self.unclaimed and not self.elsewhere

    def refill(self, queue: deque[Work], room: int) -> None:
        """Claim files into ``queue`` until ``room`` more are queued or none are left."""
        while room > 0 and self.unclaimed:
            n = min(_GROUP, room, len(self.unclaimed))
            room -= self._claim([self.unclaimed.popleft() for _ in range(n)], queue)

    def wait_for_others(
        self, queue: deque[Work], cancel: CancelToken, progress: ProgressCallback
    ) -> None:
        """Called when this job has nothing of its own left: its claims are given up (what it
        claimed is stored or failed by now; holding them could leave two idle indexers
        waiting on each other), then the files other indexers held are looked at again."""
        self.store.claims.release_all()
        waiting, self.elsewhere = self.elsewhere, []
        moved = self._claim(waiting, queue) > 0 or len(self.elsewhere) < len(waiting)
        if not moved:
            message = f"waiting for another indexer on {len(self.elsewhere)} files"
            progress(Progress("waiting", message=message))
            cancel.wait(_POLL_S)
            cancel.check()

    def _claim(self, group: list[Work], queue: deque[Work]) -> int:
        held = self.store.claims.take([sha for _, sha in group])
        queued = 0
        for cand, sha in group:
            # Checked after claiming: content stored by another indexer since this job's scan
            # is linked, never embedded again.
            if self.store.content.blob_id(sha) is not None:
                self.link_known(cand, sha)
            elif sha in held:
                queue.append((cand, sha))
                queued += 1
            else:
                self.elsewhere.append((cand, sha))
        return queued
