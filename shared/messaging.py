"""The message bus between the relay and the notifier, through kombu.

Configured: RabbitMQ with durable queues, persistent messages, publisher confirms and a
dead-letter queue. Embedded default: a folder in the data folder, which needs no server,
through kombu's filesystem transport made safe for several processes (`shared.folder_broker`).
Dead letters are published explicitly with their reason, so both behave the same.
"""

from __future__ import annotations

from typing import Any

from kombu import Connection, Exchange, Producer, Queue

from shared import folder_broker
from shared.config import Settings

EXCHANGE = Exchange("zorgvuldig", type="direct", durable=True)
DEAD_EXCHANGE = Exchange("zorgvuldig.dood", type="direct", durable=True)
LETTERS = Queue(
    "zorgvuldig.brieven",
    exchange=EXCHANGE,
    routing_key="brief",
    durable=True,
    queue_arguments={"x-dead-letter-exchange": "zorgvuldig.dood", "x-dead-letter-routing-key": "brief"},
)
DEAD_LETTERS = Queue("zorgvuldig.brieven.dood", exchange=DEAD_EXCHANGE, routing_key="brief", durable=True)
# What became of each letter, from the notifier back to the case service.
OUTCOMES = Queue("zorgvuldig.uitkomsten", exchange=EXCHANGE, routing_key="uitkomst", durable=True)

RETRY_POLICY = {"interval_start": 0.5, "interval_step": 1, "interval_max": 5, "max_retries": 3}


def connect(settings: Settings) -> Connection:
    """A connection to the configured broker, or to the folder transport."""
    if settings.broker_url:
        return Connection(
            settings.broker_url,
            connect_timeout=5,
            heartbeat=30,
            transport_options={"confirm_publish": True},
        )
    folder = settings.broker_folder
    for sub in ("berichten", "controle", "bezig"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return Connection(
        "filesystem://",
        transport=folder_broker.Transport,
        transport_options={
            "data_folder_in": str(folder / "berichten"),
            "data_folder_out": str(folder / "berichten"),
            "control_folder": str(folder / "controle"),
            "claimed_folder": str(folder / "bezig"),
            "store_processed": False,
        },
    )


def _queue_arguments_supported(connection: Connection) -> bool:
    return connection.transport.driver_type not in ("filesystem", "memory")


def queues(connection: Connection) -> tuple[Queue, Queue]:
    """The letter queue and its dead-letter queue, bound to this connection's transport."""
    letters = LETTERS
    if not _queue_arguments_supported(connection):
        letters = Queue(LETTERS.name, exchange=EXCHANGE, routing_key="brief", durable=True)
    return letters, DEAD_LETTERS


def publish(
    connection: Connection,
    body: str,
    *,
    message_id: str,
    dead: bool = False,
    queue: Queue | None = None,
    **headers: Any,
) -> None:
    """Publishes one JSON message, persistent, waiting for the broker's confirm: to the letter
    queue, its dead-letter queue, or `queue`."""
    letters, dead_letters = queues(connection)
    queue = queue or (dead_letters if dead else letters)
    producer = Producer(connection.default_channel)
    publish_with_retry = connection.ensure(producer, producer.publish, **RETRY_POLICY)
    publish_with_retry(
        body,
        exchange=queue.exchange,
        routing_key=queue.routing_key,
        declare=[queue],
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=2,
        message_id=message_id,
        headers=headers,
    )
