"""Is the embedded SQLite file sound? Checked when a store is opened, so that a damaged file (a disk fault, a
copy cut short, a crash of the machine under an unsafe mount) stops the command with a message that names the
file and says how to recover — instead of a traceback, or wrong figures from a half-readable database.

Two depths, because a province's file is several GB:
- `check_header` on every open: the 100-byte header (magic, page size, format) and the file's length against
  the page count the header records (a truncated copy). One 100-byte read: milliseconds at most, whatever the size.
- `check_pages` (PRAGMA quick_check: every page of every b-tree, not index-vs-table consistency) reads the whole
  file: on a 3.3 GB file tens of seconds with the file in the page cache and minutes without
  (docs/performance.md, `bench/store_check_bench.py`) — too slow for every open, and for `ingest`, whose cost must
  follow the day's data, not the file. It runs where damage would spread or where the whole file is read anyway:
  `backup` (never copy damage into the backups), `restore` (never restore a damaged backup), and each daily run
  of `schedule` after its ingest (damage found the morning it appears; no ingest until the store checks sound).
`ingest`, `serve` and `worker` start with the header check; damage met later by a statement that reads a damaged
page is reported with the same message (cli.common.fails_cleanly), and an ingest's file rolls back.
"""
from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

from warehouse.db import StoreError

MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
CORRUPT_MARKERS = ("database disk image is malformed", "file is not a database", "database corruption")


class CorruptStoreError(StoreError):
    """The SQLite file is damaged; the message is for the person at the terminal."""

    def __init__(self, path: Path | str, reason: str):
        self.path, self.reason = Path(path), reason
        super().__init__(corrupt_message(path, reason))


def corrupt_message(path: Path | str, reason: str) -> str:
    return (f"数据库文件已损坏：{path}（{reason}）。请停止驾驶舱、定时任务和后台任务进程，然后用最近的备份恢复："
            f"python app.py restore 备份文件（备份由 python app.py backup 生成）。"
            f" / The store file {path} is damaged ({reason}); restore it from a backup: python app.py restore FILE")


def check_header(path: Path | str) -> None:
    """Raise CorruptStoreError when the file's header or length is wrong; a missing or empty file is a new store."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return
    with open(path, "rb") as fh:
        header = fh.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES:
        raise CorruptStoreError(path, f"文件只有 {size} 字节，不完整")
    if header[:16] != MAGIC:
        raise CorruptStoreError(path, "文件头不是 SQLite 数据库格式")
    (raw_page,) = struct.unpack(">H", header[16:18])
    page = 65536 if raw_page == 1 else raw_page
    if page < 512 or page & (page - 1) or header[21:24] != b"\x40\x20\x20":
        raise CorruptStoreError(path, "文件头已损坏")
    if size % page:
        raise CorruptStoreError(path, f"文件长度 {size} 字节不是页大小 {page} 的整数倍，文件不完整")
    change_counter, pages = struct.unpack(">II", header[24:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    # a checkpoint cut off after writing page 1 leaves the header ahead of the file: the pages still to write
    # are in the WAL beside it, and SQLite finishes the checkpoint from there on the next open
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return
    if pages and valid_for == change_counter and size < pages * page:
        raise CorruptStoreError(path, f"文件被截断：应有 {pages * page} 字节，实有 {size} 字节")


def check_pages(path: Path | str) -> None:
    """PRAGMA quick_check over the whole file (it only reads); raise CorruptStoreError with SQLite's first finding."""
    path = Path(path)
    check_header(path)
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA busy_timeout=30000")
            findings = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise CorruptStoreError(path, f"SQLite 完整性检查：{exc}") from exc
    if findings != ["ok"]:
        raise CorruptStoreError(path, f"SQLite 完整性检查：{'；'.join(findings[:3])}")


def check_pages_of(url: str | None) -> None:
    """check_pages for an embedded store's URL; nothing for a server database (the server guards its pages)."""
    from warehouse.db import sqlite_path

    path = sqlite_path(url)
    if path is not None:
        check_pages(path)


def is_corruption(exc: BaseException) -> bool:
    """Whether an error raised by a query means the file is damaged (rather than busy, or a bad statement)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    return any(marker in text for marker in CORRUPT_MARKERS)
