"""Claims on content to index, shared by every indexer of a team library.

An indexer claims a file's content (its sha256) before parsing it; a claim another indexer
holds is skipped, not waited for (``SELECT … FOR UPDATE SKIP LOCKED``), so indexers walking one
folder split its files between them. A claim is a lease: renewed each time its owner claims
more, kept until its job ends (another indexer finds the content stored by then and links to
it), and free for others once expired, so an indexer that died holds nothing for long.
Expiry uses the server's clock, never the machines' own.
"""

from __future__ import annotations

import os
import platform
import threading
import uuid
from collections.abc import Sequence
from typing import Any

from sourcewise.core.store.content import locked

LEASE_S = 600


class PgClaims:
    def __init__(self, conn: Any, lock: threading.RLock, lease_s: int = LEASE_S) -> None:
        self.conn = conn
        self.lock = lock
        self.lease_s = lease_s
        # Unique per job-running process, readable in the claims table when debugging (the
        # host name from platform: this module opens no socket of its own).
        self.owner = f"{platform.node()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    @locked
    def take(self, shas: Sequence[str]) -> set[str]:
        """The contents of ``shas`` this indexer now holds (free, expired or already its own);
        its other claims are renewed too."""
        if not shas:
            return set()
        wanted = sorted(set(shas))  # one order for every indexer: no deadlock on the inserts
        lease = [self.lease_s]
        with self.conn.transaction():
            self.conn.execute(
                "INSERT INTO claims(sha256) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
                [wanted],
            )
            rows = self.conn.execute(
                "UPDATE claims c SET owner = %s, expires = now() + make_interval(secs => %s) "
                "WHERE c.sha256 IN (SELECT sha256 FROM claims WHERE sha256 = ANY(%s) AND "
                "(owner IS NULL OR owner = %s OR expires < now()) FOR UPDATE SKIP LOCKED) "
                "RETURNING c.sha256",
                [self.owner, *lease, wanted, self.owner],
            ).fetchall()
            self.conn.execute(
                "UPDATE claims SET expires = now() + make_interval(secs => %s) WHERE owner = %s",
                [*lease, self.owner],
            )
        return {str(r[0]) for r in rows}

    @locked
    def release_all(self) -> None:
        """The job is over: its content is stored (or failed), nobody need wait for it."""
        self.conn.execute("DELETE FROM claims WHERE owner = %s", [self.owner])
