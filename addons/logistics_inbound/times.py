"""Times as sources write them, turned into ISO 8601 with a UTC offset.

Formats a profile chooses per field: ISO 8601 (validated later, must carry an
offset), epoch seconds, epoch milliseconds, or X12 date + time + time code
(AT7-05/06/07 in a 214: ``CCYYMMDD``, ``HHMM[SS[d..]]``, a code like ``ET``).
"""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ISO8601 = "iso8601"
EPOCH_SECONDS = "epoch_s"
EPOCH_MILLISECONDS = "epoch_ms"
X12 = "x12"
FORMATS = [
    (ISO8601, "ISO 8601 (with offset)"),
    (EPOCH_SECONDS, "Epoch seconds"),
    (EPOCH_MILLISECONDS, "Epoch milliseconds"),
    (X12, "X12 date, time, time code"),
]

# X12 element 623 (time code). "…T" codes follow the zone's daylight saving
# time; "…S"/"…D" codes are the fixed standard/daylight offsets; LT is the
# local time of the event, which the profile's local time zone stands for.
X12_ZONE_TIME = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
    "AT": "America/Anchorage",
    "HT": "Pacific/Honolulu",
    "TT": "America/Halifax",
    "NT": "America/St_Johns",
}
X12_FIXED_OFFSET_MINUTES = {
    "UT": 0,
    "GM": 0,
    "ES": -300,
    "ED": -240,
    "CS": -360,
    "CD": -300,
    "MS": -420,
    "MD": -360,
    "PS": -480,
    "PD": -420,
    "AS": -540,
    "AD": -480,
    "HS": -600,
    "HD": -540,
    "TS": -240,
    "TD": -180,
    "NS": -210,
    "ND": -150,
}
LOCAL_TIME = "LT"
X12_TIME_LENGTHS = (4, 6, 7, 8)


def to_iso(time_format, values, local_timezone="UTC"):
    """ISO 8601 text of a time read as ``time_format`` from ``values``.

    ``values`` holds one value, or for X12 the date, time and time code.
    Raises ValueError with a message naming what is wrong.
    """
    if time_format == ISO8601:
        return values[0]
    if time_format in (EPOCH_SECONDS, EPOCH_MILLISECONDS):
        return _from_epoch(values[0], 1000 if time_format == EPOCH_MILLISECONDS else 1)
    if time_format == X12:
        return x12_datetime(*values, local_timezone=local_timezone).isoformat()
    raise ValueError(f"unknown time format {time_format!r}")


def _from_epoch(value, divisor):
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an epoch time")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{value!r} is not an epoch time") from exc
    try:
        return datetime.fromtimestamp(number / divisor, UTC).isoformat()
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"{value!r} is out of range for an epoch time") from exc


def x12_datetime(date, time=None, code=None, *extra, local_timezone="UTC"):
    """An aware datetime from X12 date ``CCYYMMDD``, time ``HHMM[SS[d..]]`` and time code."""
    if extra:
        raise ValueError("an X12 time reads three values: date, time and time code")
    date, time, code = (str(v).strip() if v is not None else "" for v in (date, time, code))
    if len(date) != 8 or not date.isdigit():
        raise ValueError(f"X12 date {date!r} is not CCYYMMDD")
    time = time or "0000"
    # Element 337 is HHMM, HHMMSS, HHMMSSD or HHMMSSDD: "08001" is no time, not 08:00:01.
    if len(time) not in X12_TIME_LENGTHS or not time.isdigit():
        raise ValueError(f"X12 time {time!r} is not HHMM, HHMMSS, HHMMSSD or HHMMSSDD")
    seconds = time[4:6] or "00"
    try:
        naive = datetime.strptime(f"{date}{time[:4]}{seconds}", "%Y%m%d%H%M%S")
    except ValueError as exc:
        raise ValueError(f"X12 date/time {date} {time} does not exist") from exc
    try:
        return naive.replace(tzinfo=_x12_zone(code.upper(), local_timezone)).astimezone(UTC)
    except OverflowError:
        side = "before the year 1" if naive.year == 1 else "after the year 9999"
        raise ValueError(
            f"X12 date/time {date} {time} is {side} in UTC, where times are kept"
        ) from None


def _x12_zone(code, local_timezone):
    if not code:
        raise ValueError("X12 time code is missing (e.g. UT, LT, ET)")
    if code in X12_FIXED_OFFSET_MINUTES:
        return timezone(timedelta(minutes=X12_FIXED_OFFSET_MINUTES[code]))
    name = local_timezone if code == LOCAL_TIME else X12_ZONE_TIME.get(code)
    if not name:
        raise ValueError(f"X12 time code {code!r} is not known")
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError as exc:
        raise ValueError(f"time zone {name!r} is not known") from exc
