"""Writes landing files: day folders, part files, and the faults that happen in transit.

Records stream from DuckDB in day order and go straight to their files, so memory
stays bounded whatever the scale. Faults applied here, with a row in ``fault_log``:
- malformed: a record's line cut short (JSON) or missing its last fields (CSV);
- duplicates: a day's part delivered twice (an identical ``part-00001``);
- late_arrival: a day folder that arrives days after its date (file times and truth).

``rows`` counts the records each file received as it is written, per ``system/entity``:
the lines after a CSV header that are not blank and the Parquet rows, again for a part
delivered twice. That is what the warehouse counts landed (``stg_landing__records``).
"""

from __future__ import annotations

import hashlib
import os
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .landing import TextEntity
from .world import World

MAX_LINES_PER_PART = 200_000
EPOCH = date(1970, 1, 1)


class LandingWriter:
    def __init__(self, world: World) -> None:
        self.world = world
        self.root = world.config.landing
        self.rows: dict[str, int] = {}
        self.arrivals: dict[tuple[str, str, date], date] = {}
        world.con.execute(
            """
            create or replace table fault_log (
                source_system varchar, entity varchar, source_record_id varchar,
                file varchar, line bigint, fault_kind varchar
            );
            create or replace table arrivals (
                source_system varchar, entity varchar, dt date, arrives_on date
            );
            create or replace table landed (
                source_system varchar, entity varchar, source_record_id varchar, pid bigint
            );
            """
        )

    # -- text entities --------------------------------------------------------------
    def write_text(self, spec: TextEntity, params: dict) -> None:
        con = self.world.con
        body = (
            spec.sql
            if "can_malform" in spec.sql
            else f"select *, true as can_malform from ({spec.sql})"
        )
        con.execute(f"create or replace table _rows as {body}", params)
        con.execute(
            """
            create or replace table _staged as
            select *,
                row_number() over (partition by dt order by sort_ts, record_id, line) - 1 as seq
            from _rows
            """
        )
        self._apply_malformed(spec)
        con.execute(
            f"""
            create or replace table _staged as
            select *,
                (seq // {MAX_LINES_PER_PART})::int as part,
                seq % {MAX_LINES_PER_PART} + {1 if spec.header else 0} + 1 as line_no
            from _staged
            -- stored in file order: the writes below scan it as stored, with no sort
            -- holding memory while the files are written
            order by dt, part, seq
            """
        )
        self._log_record_faults(spec)
        header = (spec.header + "\n").encode() if spec.header else b""
        written_days: set[date] = set()
        if not spec.daily:
            lines = self.world.table("select line || chr(10) as l from _staged")["l"]
            self._write_file(spec, self._file(spec, None, 0), header, lines)
        else:
            # a cursor of its own: the loop below asks the main connection other questions
            reader = (
                con.cursor()
                .sql("select dt, part, line || chr(10) as l from _staged")
                .to_arrow_reader(100_000)
            )
            current: tuple[date, int] | None = None
            chunks: list[pa.Array] = []
            for batch in reader:
                dts = batch.column("dt").cast(pa.int32()).to_numpy()
                parts = batch.column("part").to_numpy()
                keys = dts.astype(np.int64) * 10_000 + parts
                cuts = np.flatnonzero(np.diff(keys)) + 1
                for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(keys)], strict=True):
                    key = (EPOCH + timedelta(days=int(dts[lo])), int(parts[lo]))
                    if key != current:
                        if current is not None:
                            self._flush_day_part(spec, current, header, chunks)
                            written_days.add(current[0])
                        current, chunks = key, []
                    chunks.append(batch.column("l").slice(lo, hi - lo))
            if current is not None:
                self._flush_day_part(spec, current, header, chunks)
                written_days.add(current[0])
            self._write_empty_days(spec, written_days, header)
        con.execute(
            """
            insert into landed
            select $system, $entity, record_id, any_value(pid) from _staged
            group by record_id order by record_id
            """,
            {"system": spec.system, "entity": spec.entity},
        )

    def _apply_malformed(self, spec: TextEntity) -> None:
        rate = self.world.rate("malformed")
        if rate <= 0:
            return
        cut = (
            "left(line, greatest(1, (length(line) * u01(record_id || seq, 77) * 0.9)::int))"
            if spec.ext == "jsonl"
            # at least the first field: a line cut to nothing would land as a blank line,
            # which is no record (the contract), and the truth would count it malformed
            else f"array_to_string(list_slice(string_split(line, '{spec.delimiter}'), 1, "
            f"greatest(1, {len(spec.columns)} - 1 - (u01(record_id || seq, 78) * 3)::int)), "
            f"'{spec.delimiter}')"
        )
        self.world.con.execute(
            f"""
            update _staged set line = {cut}, faults = list_append(faults, 'malformed')
            where can_malform and u01(record_id || seq || '{spec.entity}', 76) < {rate}
            """
        )

    def _file(self, spec: TextEntity, day: date | None, part: int) -> str:
        if day is None:
            return f"{spec.system}/{spec.entity}.{spec.ext}"
        return f"{spec.system}/{spec.entity}/dt={day.isoformat()}/part-{part:05d}.{spec.ext}"

    def _log_record_faults(self, spec: TextEntity) -> None:
        file_expr = (
            f"'{spec.system}/{spec.entity}/dt=' || strftime(dt, '%Y-%m-%d') || '/part-' "
            f"|| lpad(part::varchar, 5, '0') || '.{spec.ext}'"
            if spec.daily
            else f"'{spec.system}/{spec.entity}.{spec.ext}'"
        )
        self.world.con.execute(
            f"""
            insert into fault_log
            select distinct $system, $entity, record_id, {file_expr}, line_no, unnest(faults)
            from _staged where len(faults) > 0
            """,
            {"system": spec.system, "entity": spec.entity},
        )

    def _write_file(
        self, spec: TextEntity, relative: str, header: bytes, lines: pa.ChunkedArray
    ) -> None:
        """Write one landing file, the header and then the lines (each ending in a
        newline), and count its records as landed."""
        _write_bytes(self.root / relative, header + _joined(lines))
        self._count_landed(spec.system, spec.entity, _records(lines))

    def _count_landed(self, system: str, entity: str, records: int) -> None:
        name = f"{system}/{entity}"
        self.rows[name] = self.rows.get(name, 0) + records

    def _flush_day_part(
        self, spec, key: tuple[date, int], header: bytes, chunks: list[pa.Array]
    ) -> None:
        day, part = key
        relative = self._file(spec, day, part)
        lines = pa.chunked_array(chunks)
        self._write_file(spec, relative, header, lines)
        if part == 0 and self._day_fault(spec, day, "duplicates", 81):
            last = self.world.con.execute(
                "select max(part) from _staged where dt = $dt", {"dt": day}
            ).fetchall()[0][0]
            duplicate = self._file(spec, day, last + 1)  # part 0 delivered a second time
            self._write_file(spec, duplicate, header, lines)
            self.world.con.execute(
                """
                insert into fault_log
                select $system, $entity, record_id, $file, line_no, 'duplicates'
                from _staged where dt = $dt and part = 0
                """,
                {"system": spec.system, "entity": spec.entity, "file": duplicate, "dt": day},
            )
        self._maybe_late(spec.system, spec.entity, day)

    def _write_empty_days(self, spec: TextEntity, written: set[date], header: bytes) -> None:
        no_lines = pa.chunked_array([], type=pa.string())
        for day in self.period_days():
            if day not in written:
                self._write_file(spec, self._file(spec, day, 0), header, no_lines)
                self._maybe_late(spec.system, spec.entity, day)

    # -- faults per day folder ------------------------------------------------------
    def _draw(self, key: str, salt: int) -> float:
        """A deterministic uniform draw per folder (not per row: a hash is enough)."""
        digest = hashlib.blake2b(f"{self.world.config.seed}/{salt}/{key}".encode(), digest_size=8)
        return int.from_bytes(digest.digest(), "big") / 2**64

    def _day_fault(self, spec, day: date, fault: str, salt: int) -> bool:
        rate = self.world.rate(fault)
        return rate > 0 and self._draw(f"{spec.system}/{spec.entity}/{day}", salt) < rate

    def _maybe_late(self, system: str, entity: str, day: date) -> None:
        """Decide once per folder whether it arrives late; stamp its files' times."""
        key = (system, entity, day)
        if key not in self.arrivals:
            rate = self.world.rate("late_arrival")
            late = rate > 0 and self._draw(f"{system}/{entity}/{day}", 82) < rate
            delay = 1 + int(self._draw(f"{system}/{entity}/{day}", 83) * 5) if late else 0
            self.arrivals[key] = day + timedelta(days=delay + 1)
        stamp = (self.arrivals[key] - EPOCH).days * 86_400 + 6 * 3_600
        for file in (self.root / system / entity / f"dt={day.isoformat()}").iterdir():
            os.utime(file, (stamp, stamp))

    def finish(self) -> None:
        """Record folder arrivals (and the late ones as faults) for the truth."""
        rows = sorted(self.arrivals.items())
        table = pa.table(
            {
                "source_system": [k[0] for k, _ in rows],
                "entity": [k[1] for k, _ in rows],
                "dt": [k[2] for k, _ in rows],
                "arrives_on": [v for _, v in rows],
            }
        )
        self.world.con.register("_arrivals", table)
        self.world.con.execute(
            """
            insert into arrivals select * from _arrivals;
            insert into fault_log
            select source_system, entity, null,
                source_system || '/' || entity || '/dt=' || strftime(dt, '%Y-%m-%d'),
                null, 'late_arrival'
            from _arrivals where arrives_on > dt + 1
            """
        )
        self.world.con.unregister("_arrivals")

    def period_days(self) -> list[date]:
        start = self.world.config.start
        return [start + timedelta(days=i) for i in range(self.world.config.days)]

    # -- parquet --------------------------------------------------------------------
    def write_parquet_day(self, system: str, entity: str, day: date, table: pa.Table) -> None:
        path = self.root / system / entity / f"dt={day.isoformat()}" / "part-00000.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path, compression="zstd", write_statistics=True)
        self._count_landed(system, entity, table.num_rows)
        self._maybe_late(system, entity, day)


def _joined(array: pa.ChunkedArray | pa.Array) -> bytes:
    """The concatenated bytes of a string array without a Python loop per value."""
    if isinstance(array, pa.ChunkedArray):
        return b"".join(_joined(chunk) for chunk in array.chunks)
    if len(array) == 0:
        return b""
    array = array.cast(pa.large_string())
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[
        array.offset : array.offset + len(array) + 1
    ]
    data = array.buffers()[2]
    return bytes(memoryview(data)[offsets[0] : offsets[-1]]) if data is not None else b""


def _records(lines: pa.ChunkedArray) -> int:
    """How many of the lines are records: those that are not blank once spaces and
    their newline are trimmed, as the warehouse reads them."""
    filled = pc.not_equal(pc.utf8_trim(lines, characters=" \n"), "")
    return pc.sum(filled, min_count=0).as_py()


def _write_bytes(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
