"""The JetStream stream the broker transport publishes to: one subject, and so one durable
queue, per bank (sscard.banks.<CODE>), with limits that refuse new messages rather than lose any.

A bank reads its subject through a durable pull consumer named bank-<CODE>, so what it has not
acknowledged stays on the server across its restarts and ours; how a bank reads is the bank's
business (tools/bank_simulator/broker.py is one; tests/support/nats_bank.py another).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import nats
import nats.errors
import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import (
    DiscardPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)

log = logging.getLogger("sscard.outbox.nats")

STREAM = "SSCARD_BANKS"
SUBJECT_PREFIX = "sscard.banks"

# Long enough to cover a dispatcher killed after publishing (its lease, 15 s) and the first
# retries after a lost PubAck (backoff 1+2+...+256 s); a later repeat is still dropped by the
# bank's inbox, which keys on message_id. The server holds every id of the window in memory.
DUPLICATE_WINDOW_SECONDS = 600.0
# A province's banks: a bank that stops reading may queue this many messages (about a week of
# a large bank's traffic) before publishes for it are refused and wait in the outbox instead.
MAX_MESSAGES_PER_BANK = 2_000_000
MAX_STREAM_BYTES = 16 * 1024**3
MAX_MESSAGE_BYTES = 256 * 1024  # one outbound message is a few hundred bytes


def subject_for(bank_code: str, prefix: str = SUBJECT_PREFIX) -> str:
    """The subject (and so the queue) of one bank; an endpoint's url for the nats transport."""
    return f"{prefix}.{bank_code}"


def stream_config(stream: str, subjects: Sequence[str]) -> StreamConfig:
    """The stream every bank's queue lives in.

    Work-queue retention: a message leaves the stream when its bank acknowledges (or terminates)
    it, so the stream holds only what banks have not taken. No maximum age: nothing a bank has
    not taken may expire. When a limit is reached the stream refuses new messages (discard new,
    per bank) rather than dropping old ones: the refused publish stays pending in the outbox.
    """
    return StreamConfig(
        name=stream,
        description="sscard -> cooperating banks, one subject per bank",
        subjects=list(subjects),
        retention=RetentionPolicy.WORK_QUEUE,
        storage=StorageType.FILE,
        discard=DiscardPolicy.NEW,
        discard_new_per_subject=True,
        max_msgs_per_subject=MAX_MESSAGES_PER_BANK,
        max_bytes=MAX_STREAM_BYTES,
        max_msg_size=MAX_MESSAGE_BYTES,
        max_age=0,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
    )


async def ensure_stream(
    js: JetStreamContext, stream: str = STREAM, subjects: Sequence[str] = (f"{SUBJECT_PREFIX}.>",)
) -> None:
    """Create the stream unless it exists; an existing stream's configuration is left alone."""
    try:
        await js.stream_info(stream)
        return
    except nats.js.errors.NotFoundError:
        pass
    try:
        await js.add_stream(stream_config(stream, subjects))
    except nats.js.errors.BadRequestError:
        # Another process created it between the two calls; anything else fails here again.
        await js.stream_info(stream)
