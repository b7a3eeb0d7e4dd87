"""The disk filling up while a refused file is copied to quarantine: a clear finding, no half-written file in
quarantine, the store consistent, and once there is room a rerun ends as an uninterrupted run.

The quarantine is a 64 KiB tmpfs mounted by the test (CI runs as root on this machine), so the copy of a
larger refused file meets a real ENOSPC; remounting it larger is freeing the disk.
"""
from __future__ import annotations

import json
import subprocess

import pytest
from sqlalchemy import func, select

from ingest.delivery import sha256_of
from tests.deliveries import D1, base_rows, deliver, voucher
from tests.faults import canonical_dump, ingest_args, run_here
from warehouse.db import open_store
from warehouse.schema import finding, ingest_file, pay

PAY_FILE = "PAY_419900_20260302.csv"


@pytest.fixture
def small_disk(tmp_path):
    where = tmp_path / "small"
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)],
                             capture_output=True, text=True)
    assert mounted.returncode == 0, f"this test mounts a tmpfs and needs root (as CI has): {mounted.stderr}"
    yield where
    subprocess.run(["umount", str(where)], check=True)


def _files_under(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_full_disk_while_quarantining_then_a_rerun(store_url, new_store_url, small_disk, tmp_path, monkeypatch):
    inbox = tmp_path / "in"
    rows = base_rows()
    rows["PAY"] = [voucher(f"V{i:05d}", "101001", "Q1", 1 + i % 50) for i in range(2000)]
    rows["PAY"][1500]["amount"] = "abc"  # refused whole, and larger than the quarantine's disk
    deliver(inbox, D1, rows)
    assert (inbox / "20260302" / PAY_FILE).stat().st_size > 64 * 1024

    reference = new_store_url()
    monkeypatch.setenv("BUDGET_QUARANTINE", str(tmp_path / "roomy"))
    run_here(ingest_args(reference, inbox, "2026-03-02", "2026-03-02"))
    # The refused file's alert keeps in its history the evidence it was first raised with (the quarantine
    # failure as well): a true record, so the comparison is of what the store holds now.
    expected = canonical_dump(open_store(reference), history=False)

    monkeypatch.setenv("BUDGET_QUARANTINE", str(small_disk))
    out = run_here(ingest_args(store_url, inbox, "2026-03-02", "2026-03-02"))
    assert f"拒收 refused: 2026-03-02 {PAY_FILE}" in out
    assert _files_under(small_disk) == []  # neither a half copy nor a stray temporary file
    engine = open_store(store_url)
    with engine.connect() as conn:
        record = conn.execute(select(ingest_file).where(ingest_file.c.name == PAY_FILE)).mappings().one()
        assert (record["status"], record["quarantine_path"]) == ("refused", None)
        assert conn.execute(select(func.count()).select_from(pay)).scalar() == 0
        assert set(conn.execute(select(ingest_file.c.status).where(ingest_file.c.name != PAY_FILE)).scalars()) \
            == {"loaded"}
        rules = set(conn.execute(select(finding.c.rule_id).where(finding.c.file_id == record["id"])).scalars())
    assert rules == {"AMOUNT_FORMAT", "QUARANTINE_WRITE"}
    found = json.loads(run_here(["report", "findings", "--date", "2026-03-02", "--db", store_url]))
    full = next(f for f in found if f["rule_id"] == "QUARANTINE_WRITE")
    assert full["file"] == PAY_FILE and full["value"] == "No space left on device"
    assert "隔离区" in full["message"] and "磁盘空间" in full["message"] and str(small_disk) in full["message"]

    subprocess.run(["mount", "-o", "remount,size=16m", str(small_disk)], check=True)
    run_here(ingest_args(store_url, inbox, "2026-03-02", "2026-03-02"))
    assert _files_under(small_disk) == ["20260302/" + PAY_FILE, f"20260302/{PAY_FILE}.findings.json"]
    assert sha256_of(small_disk / "20260302" / PAY_FILE) == sha256_of(inbox / "20260302" / PAY_FILE)
    assert canonical_dump(engine, history=False) == expected
