"""Data upgrades of the inbox that the migrations of several versions share.

``rehash_kept_contents`` brings the content hash of every kept event and conflict to the
current rules of ``logistics_contract.content``: an event id received again is a duplicate
only when its content hashes as the kept one, and the ingest compares with the current
hash alone.
"""

import json
import logging
import time
from datetime import UTC, datetime

from logistics_contract.content import content_hash, document_content, dump_parsed, load_exact
from psycopg2.extras import execute_values

from .models.logistics_ingest import OUTSIDE_ELEMENT, Plan, split_content
from .paths import reads_outside_element, reads_transmission

_logger = logging.getLogger(__name__)

# Rows read and written per statement: a few MB of content per batch at most.
REHASH_BATCH = 2000


def current_content(document_format, content, reads_outside):
    """``(content, hash)`` of a kept ``content`` by the current rules; the hash None when it
    cannot be told from what is kept.

    A split element kept with what its profile read outside it loses what tells when the
    document was transmitted; a whole raw document loses its transmission elements
    (``document_content``). An element kept alone by a profile that reads outside its
    element (``reads_outside``) was kept before what is read there counted: those values
    were never stored, so its current hash is unknown."""
    if isinstance(content, dict) and set(content) == {"element", OUTSIDE_ELEMENT}:
        outside = {
            text: value
            for text, value in content[OUTSIDE_ELEMENT].items()
            if not reads_transmission(document_format, text)
        }
        content = split_content(content["element"], outside)
    elif reads_outside:
        return content, None
    else:
        content = document_content(document_format, content)
    return content, content_hash(content)


def _batches(cr, query, batch_size):
    """The rows of ``query`` (its first column the id, ``%(after)s`` and ``%(limit)s`` in it),
    ``batch_size`` rows at a time in id order."""
    after = 0
    while True:
        cr.execute(query, {"after": after, "limit": batch_size})
        rows = cr.fetchall()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def _outside_readers(env):
    """Ids of the endpoints whose profile splits documents into events that read outside
    their element."""
    readers = set()
    for endpoint in env["logistics.endpoint"].with_context(active_test=False).search([]):
        profile = endpoint._get_inbound_profile()
        if not profile:
            continue
        document_format, spec, _match_keys = profile._get_ingest_rules()
        try:
            if reads_outside_element(spec, document_format):
                readers.add(endpoint.id)
        except ValueError:  # sources naming different lists: the profile splits nothing
            continue
    return readers


def rehash_events(env, batch_size=REHASH_BATCH):
    """Store the current content and hash (``current_content``) of every kept inbound
    event whose differ; returns how many changed. One UPDATE per batch, never the ORM per
    row: an inbox holds millions of events.

    An event whose hash cannot be told is stored without one: like an event kept before
    contents were hashed, a resend of it is a duplicate, never applied twice nor a false
    conflict for a person to review."""
    readers = _outside_readers(env)
    changed = 0
    query = (
        "SELECT id, endpoint_id, document_format, content, content_hash "
        "FROM logistics_inbound_event WHERE content IS NOT NULL AND id > %(after)s "
        "ORDER BY id LIMIT %(limit)s"
    )
    for rows in _batches(env.cr, query, batch_size):
        updates = []
        for event_id, endpoint_id, document_format, text, kept_hash in rows:
            content, new_hash = current_content(
                document_format, load_exact(text), endpoint_id in readers
            )
            new_text = dump_parsed(content)
            if (new_text, new_hash) != (text, kept_hash):
                updates.append((event_id, new_text, new_hash))
        if updates:
            execute_values(
                env.cr._obj,
                "UPDATE logistics_inbound_event AS e SET content = v.content, "
                "content_hash = v.content_hash FROM (VALUES %s) AS v(id, content, content_hash) "
                "WHERE e.id = v.id",
                updates,
            )
        changed += len(updates)
    env["logistics.inbound.event"].invalidate_model(["content", "content_hash"])
    return changed


def _conflict_hash(ingest, endpoint, external_event_id, raw, now):
    """The current hash of a conflict's forwarded event ``raw`` as its endpoint reads it
    now, or None when it no longer reads as an event of ``external_event_id``."""
    profile = endpoint._get_inbound_profile()
    if not profile:
        return None
    rules = profile._get_ingest_rules()
    for _item_id, outcome in ingest._read_forwarded(endpoint, profile, rules, raw, now):
        if isinstance(outcome, Plan) and outcome.event.event_id == external_event_id:
            return outcome.content_hash
    return None


def rehash_conflicts(env, batch_size=REHASH_BATCH):
    """Store the current hash of every kept conflict, read again from its forwarded event
    (the conflict keeps no content of its own); returns how many changed.

    A conflict that no longer reads as its event keeps its hash, and so does one whose
    current hash another conflict of the same event already has (kept again under the new
    hash before this upgrade): that one is found for a resend, this one stays the record of
    its review."""
    ingest = env["logistics.ingest"]
    Endpoint = env["logistics.endpoint"].with_context(active_test=False)
    now = datetime.now(UTC)
    env.cr.execute("SELECT event_id, content_hash FROM logistics_inbound_conflict")
    taken = set(env.cr.fetchall())
    changed = 0
    query = (
        "SELECT c.id, c.event_id, c.content_hash, c.raw_event, e.endpoint_id, "
        "e.external_event_id FROM logistics_inbound_conflict c "
        "JOIN logistics_inbound_event e ON e.id = c.event_id "
        "WHERE c.raw_event IS NOT NULL AND c.id > %(after)s ORDER BY c.id LIMIT %(limit)s"
    )
    for rows in _batches(env.cr, query, batch_size):
        updates = []
        for conflict_id, event_id, kept_hash, raw_event, endpoint_id, external_id in rows:
            new_hash = _conflict_hash(
                ingest, Endpoint.browse(endpoint_id), external_id, json.loads(raw_event), now
            )
            if new_hash and new_hash != kept_hash and (event_id, new_hash) not in taken:
                taken.discard((event_id, kept_hash))
                taken.add((event_id, new_hash))
                updates.append((conflict_id, new_hash))
        if updates:
            execute_values(
                env.cr._obj,
                "UPDATE logistics_inbound_conflict AS c SET content_hash = v.content_hash "
                "FROM (VALUES %s) AS v(id, content_hash) WHERE c.id = v.id",
                updates,
            )
        changed += len(updates)
    env["logistics.inbound.conflict"].invalidate_model(["content_hash"])
    return changed


def rehash_kept_contents(env, batch_size=REHASH_BATCH):
    """``rehash_events`` then ``rehash_conflicts``, logged with their time."""
    started = time.perf_counter()
    env.flush_all()
    events = rehash_events(env, batch_size)
    conflicts = rehash_conflicts(env, batch_size)
    _logger.info(
        "Kept inbound contents hashed again: %d events and %d conflicts changed in %.1fs",
        events,
        conflicts,
        time.perf_counter() - started,
    )
    return events, conflicts
