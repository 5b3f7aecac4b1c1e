"""``aoc23 trace`` for scripts: JSON lines and CSV. The field names are a stable interface
(documented in the README); new fields may be added, none renamed or removed."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from aoc23.analysis import Requirement
from aoc23.events import (
    Alloc,
    AllocFailed,
    Event,
    Finished,
    Free,
    Opened,
    Reset,
    Resize,
    RoundStarted,
)
from aoc23.ledger import Failure, Forecast, RoundRecord

FORMAT_VERSION = 1
EVENT_TYPES: dict[type, str] = {
    Opened: "opened",
    Alloc: "alloc",
    AllocFailed: "alloc_failed",
    Resize: "resize",
    Free: "free",
    Reset: "reset",
    RoundStarted: "round_started",
    Finished: "finished",
}
CSV_COLUMNS = (
    "round",
    "memuse",
    "growth",
    "live",
    "stranded",
    "padding",
    "no_op_frees",
    "no_op_bytes",
    "peak_during",
    "spare",
)


def _line(kind: str, fields: dict[str, Any]) -> str:
    return json.dumps({"type": kind, **fields}, separators=(",", ":"))


def header_json(**fields: Any) -> str:
    return _line("trace", {"format_version": FORMAT_VERSION, **fields})


def event_json(event: Event) -> str:
    fields = asdict(event)
    if isinstance(event, Free):
        fields["reclaimed"] = event.reclaimed
    return _line(EVENT_TYPES[type(event)], fields)


def record_json(record: RoundRecord) -> str:
    return _line(
        "round",
        {
            "round": record.index,
            "final": record.final,
            "memuse": record.memuse,
            "growth": record.growth,
            "live": record.live,
            "stranded": record.stranded,
            "padding": record.padding,
            "peak_during": record.peak_during,
            "no_op_frees": [asdict(free) for free in record.no_op_frees],
            "spare": record.spare,
        },
    )


def forecast_json(prediction: Forecast | None) -> str:
    return _line("forecast", asdict(prediction) if prediction else {})


def requirement_json(row: Requirement) -> str:
    return _line("requirement", asdict(row))


def failure_json(failure: Failure) -> str:
    event = failure.event
    return _line(
        "out_of_memory",
        {
            "round": failure.round,
            "allocator": event.allocator,
            "site": event.site,
            "size": event.size,
            "alignment": event.alignment,
            "end_index": event.used,
            "buffer_len": event.capacity,
        },
    )


def csv_header() -> str:
    return _csv_line(CSV_COLUMNS)


def csv_row(record: RoundRecord) -> str:
    no_op_bytes = sum(free.size for free in record.no_op_frees)
    return _csv_line(
        (
            record.label,
            record.memuse,
            record.growth,
            record.live,
            record.stranded,
            record.padding,
            len(record.no_op_frees),
            no_op_bytes,
            record.peak_during,
            record.spare,
        )
    )


def _csv_line(values: tuple[object, ...]) -> str:
    sink = io.StringIO()
    csv.writer(sink, lineterminator="").writerow(values)
    return sink.getvalue()
