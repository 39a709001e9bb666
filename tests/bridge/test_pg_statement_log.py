"""The export benchmark's reading of PostgreSQL's statement log: what a job does after
its longest wait (the TMS call) until its final commit, statement by statement."""

from __future__ import annotations

import pytest
from pg_statement_log import after_the_call, read_statements

DB = "lgx_out_bench_7"


def _line(clock: str, pid: int, duration: float, text: str, db: str = DB) -> str:
    return (
        f"2026-12-07 17:47:{clock} UTC [{pid}] root@{db} LOG:  "
        f"duration: {duration:.3f} ms  statement: {text}\n"
    )


def _job(pid: int, second: int, reference: str, shipment_ms: float) -> list[str]:
    """One export job: its start, the call (50 ms without a statement), and what follows."""
    shipment = f'SELECT "logistics_shipment"."id" {reference}'
    return [
        _line(f"{second:02d}.100", pid, 0.010, "BEGIN ISOLATION LEVEL REPEATABLE READ READ WRITE"),
        _line(f"{second:02d}.102", pid, 0.300, 'SELECT "logistics_endpoint"."id" FROM x'),
        _line(f"{second:02d}.153", pid, 0.500, 'INSERT INTO "logistics_integration_log" (a)'),
        _line(f"{second:02d}.155", pid, shipment_ms, shipment),
        _line(f"{second:02d}.158", pid, 0.400, "COMMIT"),
    ]


def test_the_statements_after_the_call_are_timed_from_the_end_of_the_call(tmp_path):
    log = tmp_path / "postgresql.log"
    lines = [
        *_job(11, 1, "A", 0.200),
        _line("01.120", 12, 0.100, "SELECT 1", db="another_db"),
        *_job(11, 2, "B", 0.600),
        "\tFROM a statement's second line\n",
        *_job(12, 3, "C", 1.000),
    ]
    log.write_text("".join(lines))

    statements = read_statements(log, 0, DB)
    summary = after_the_call(statements)

    assert summary.jobs == 3
    # From the start of the first statement after the call to the end of the final commit.
    assert summary.median_ms == pytest.approx(158.0 - (153.0 - 0.5), abs=0.001)
    assert summary.median_statements == 3
    assert [step.label for step in summary.steps] == [
        'INSERT INTO "logistics_integration_log"',
        'SELECT "logistics_shipment"."id"',
        "COMMIT",
    ]
    shipment = summary.steps[1]
    assert shipment.sql_ms == 0.6
    # Its start (end minus duration) after the previous statement's end; the log has
    # milliseconds, read as floats.
    assert shipment.gap_ms == pytest.approx(2.0 - 0.6, abs=0.001)
    assert summary.steps[0].gap_ms == 0.0


def test_only_the_log_written_after_the_offset_is_read(tmp_path):
    log = tmp_path / "postgresql.log"
    log.write_text("".join(_job(11, 1, "A", 0.2)))
    offset = log.stat().st_size
    with log.open("a") as handle:
        handle.write("".join(_job(11, 2, "B", 0.2)))

    summary = after_the_call(read_statements(log, offset, DB))

    assert summary.jobs == 1


def test_a_statement_whose_text_begins_on_the_next_line_is_named_by_it(tmp_path):
    log = tmp_path / "postgresql.log"
    log.write_text(
        _line("01.100", 11, 0.010, "")
        + "\t    SELECT base_registry_signaling.id\n"
        + _line("01.101", 12, 0.010, "", db="another_db")
        + "\tUPDATE another_table\n"
    )

    statements = read_statements(log, 0, DB)

    assert [statement.text for statement in statements] == ["SELECT base_registry_signaling.id"]
