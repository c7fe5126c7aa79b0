"""The two gunicorn nodes (tests/ops/nodes.py) for the ops tests that ask for `cluster`."""

from tests.ops.nodes import cluster, fresh_mails, processes  # noqa: F401
