"""Same seed and scale give byte-identical landing and truth files; another seed does not."""

from __future__ import annotations

from pathlib import Path

from conftest import file_digests, generate_into


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = generate_into(tmp_path / "first", customers=200, days=20, seed=7)
    second = generate_into(tmp_path / "second", customers=200, days=20, seed=7)
    assert first.rows == second.rows
    for folder in ("landing", "truth"):
        digests = file_digests(tmp_path / "first" / folder)
        assert digests, f"nothing was written to {folder}"
        assert digests == file_digests(tmp_path / "second" / folder), folder


def test_other_seed_other_bytes(tmp_path: Path) -> None:
    generate_into(tmp_path / "seven", customers=200, days=20, seed=7)
    generate_into(tmp_path / "eight", customers=200, days=20, seed=8)
    assert file_digests(tmp_path / "seven" / "landing") != file_digests(
        tmp_path / "eight" / "landing"
    )
