"""Messages a dead worker had taken: put back on their queues when a worker starts.

On Redis, a worker holds each task it has taken (acknowledged late) in the broker's "unacked" set until
it finishes. A worker killed mid-task (kill -9, out of memory) never finishes it; kombu would put the
message back only after the visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS, longer than the task
time limit, so that a long task is not handed to a second worker while the first still runs). Where a
queue has one worker, as under bin/start or one systemd unit per queue, a worker starting again knows
that every message still taken from its queues was its dead predecessor's, and puts them back at once
(``COLONY_RESTORE_UNACKED_ON_START``). The stages are idempotent (each checks the document's status),
so a message restored twice still changes a document once.
"""
from __future__ import annotations

import json
import logging

logger = logging.getLogger(__name__)


def restore_unacknowledged(app, queues: set[str]) -> int:
    """Put every message taken from ``queues`` and not acknowledged back at the head of its queue;
    returns how many. Does nothing on a broker without an unacked set (the filesystem transport)."""
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        unacked_key = getattr(channel, "unacked_key", None)
        qos = getattr(channel, "qos", None)
        if unacked_key is None or not hasattr(qos, "restore_by_tag"):
            return 0
        client = channel.client
        restored = 0
        for tag, payload in client.hgetall(unacked_key).items():
            try:
                _message, exchange, routing_key = json.loads(payload)
            except (ValueError, TypeError):
                continue
            if _queues_routed_to(app, exchange, routing_key) & queues:
                qos.restore_by_tag(tag, client=client, leftmost=True)
                restored += 1
        return restored


def _queues_routed_to(app, exchange: str, routing_key: str) -> set[str]:
    """The queues a message sent to ``exchange`` with ``routing_key`` reaches, read from AMQP's rules and the
    app's own queue declarations (not the broker's private tables): Celery publishes to the default exchange
    (""), which routes to the queue named by the routing key; a queue of its own is bound to a direct exchange."""
    if exchange == "":
        return {routing_key}
    return {name for name, queue in app.amqp.queues.items()
            if queue.exchange.name == exchange and queue.routing_key == routing_key}
