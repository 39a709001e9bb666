"""What a job does after its outbound call, read from PostgreSQL's statement log.

With ``log_min_duration_statement = 0`` on a server's connections, PostgreSQL logs every
statement with the time it ended and its duration, so its start is known too. In a job's
transaction the longest wait between two statements is the outbound call; what follows
it until the final commit is split into each statement's own time in PostgreSQL and the
time before it (the worker's Python, or a wait for a CPU). The log's lines must begin with
``%m [%p]`` and name the database as ``@<db>`` (Debian's ``log_line_prefix``).
"""

import re
import statistics
from dataclasses import dataclass
from datetime import datetime

LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) \S+ \[(\d+)\] \S*@(\S+) LOG:  "
    r"duration: ([\d.]+) ms  (?:statement|execute [^:]*): (.*)$"
)
# The statement that tells an export job's transaction from the others: its attempt's log.
EXPORT_JOB_MARKER = 'INSERT INTO "logistics_integration_log"'


@dataclass
class Statement:
    pid: int
    end_ms: float
    sql_ms: float
    text: str

    @property
    def start_ms(self):
        return self.end_ms - self.sql_ms

    @property
    def label(self):
        """The statement's verb and table, the same for every job."""
        words = self.text.split()
        size = 3 if words[:2] == ["INSERT", "INTO"] else 2
        return " ".join(words[:size]).rstrip(",")


@dataclass
class Step:
    label: str
    gap_ms: float
    sql_ms: float


@dataclass
class AfterTheCall:
    jobs: int
    median_ms: float
    median_statements: float
    steps: list


def read_statements(path, offset, database):
    """The statements of ``database`` logged in ``path`` after byte ``offset``."""
    statements = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        handle.seek(offset)
        for line in handle:
            match = LINE.match(line)
            if match:
                if match[3] != database:
                    continue
                end = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1000
                statements.append(Statement(int(match[2]), end, float(match[4]), match[5].strip()))
            elif statements and not statements[-1].text and line[:1].isspace():
                # A statement whose text begins on the next line (Odoo's multi-line SQL).
                statements[-1].text = line.strip()
    return statements


def _transactions(statements):
    current = {}
    for statement in statements:
        verb = statement.text.split(" ", 1)[0].upper()
        if verb == "BEGIN":
            current[statement.pid] = []
        elif statement.pid in current:
            current[statement.pid].append(statement)
            if verb in ("COMMIT", "ROLLBACK"):
                yield current.pop(statement.pid)


def after_the_call(statements, marker=EXPORT_JOB_MARKER):
    """Medians, over the transactions holding a ``marker`` statement, of what follows the
    longest wait between two statements until the transaction's end."""
    tails = []
    for transaction in _transactions(statements):
        if len(transaction) < 2 or not any(s.text.startswith(marker) for s in transaction):
            continue
        call = max(
            range(1, len(transaction)),
            key=lambda index: transaction[index].start_ms - transaction[index - 1].end_ms,
        )
        tails.append(transaction[call:])
    if not tails:
        return AfterTheCall(0, 0.0, 0.0, [])
    steps = []
    for index in range(max(len(tail) for tail in tails)):
        present = [tail for tail in tails if len(tail) > index]
        if len(present) * 2 < len(tails):
            break
        labels = [tail[index].label for tail in present]
        steps.append(
            Step(
                max(set(labels), key=labels.count),
                statistics.median(
                    tail[index].start_ms - tail[index - 1].end_ms if index else 0.0
                    for tail in present
                ),
                statistics.median(tail[index].sql_ms for tail in present),
            )
        )
    return AfterTheCall(
        len(tails),
        statistics.median(tail[-1].end_ms - tail[0].start_ms for tail in tails),
        statistics.median(len(tail) for tail in tails),
        steps,
    )
