"""The 997 functional acknowledgement the bridge answers a good X12 interchange with
(the interchange itself is validated by ``logistics_contract.x12``)."""

from __future__ import annotations

from datetime import datetime

from logistics_contract.x12 import Interchange


def functional_acknowledgement(interchange: Interchange, control_number: int, now: datetime) -> str:
    """A 997 interchange accepting every set of ``interchange`` (AK5 A, AK9 A per group).

    Sender and receiver are swapped; ``control_number`` (1..999999999) is the answer's own
    ISA13 and GS06; the delimiters are the ones the partner declared.
    """
    isa, delimiters = interchange.isa, interchange.delimiters
    reply_isa = [
        "ISA", "00", " " * 10, "00", " " * 10, isa[7], isa[8], isa[5], isa[6],
        now.strftime("%y%m%d"), now.strftime("%H%M"), isa[11], isa[12],
        f"{control_number:09d}", "0", isa[15], delimiters.component,
    ]  # fmt: skip
    first_gs = interchange.groups[0].gs
    segments = [
        reply_isa,
        ["GS", "FA", first_gs[3], first_gs[2], now.strftime("%Y%m%d"), now.strftime("%H%M"),
         str(control_number), "X", first_gs[8]],
    ]  # fmt: skip
    for number, group in enumerate(interchange.groups, start=1):
        st_control = f"{number:04d}"
        body = [["ST", "997", st_control], ["AK1", group.functional_id, group.control_number]]
        for transaction in group.sets:
            body += [["AK2", transaction.code, transaction.control_number], ["AK5", "A"]]
        count = str(len(group.sets))
        body.append(["AK9", "A", count, count, count])
        body.append(["SE", str(len(body) + 1), st_control])
        segments += body
    segments.append(["GE", str(len(interchange.groups)), str(control_number)])
    segments.append(["IEA", "1", f"{control_number:09d}"])
    return "".join(delimiters.element.join(segment) + delimiters.segment for segment in segments)
