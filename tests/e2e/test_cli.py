"""The `contest bank …` commands, run as an operator would."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
from pathlib import Path

from contest.domain.banks.export import write_bank
from tests.conftest import make_bank
from tests.e2e.conftest import CONTEST, environment, seed_database

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CONTEST, *args],
        env=environment(tmp_path / "cli.db"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bank_check_passes_a_good_bank(tmp_path: Path) -> None:
    done = run(tmp_path, "bank", "check", str(QUESTIONS / "ngan-hang-cau-hoi.xlsx"))
    assert done.returncode == 0, done.stderr
    assert "0 lỗi, 0 cảnh báo" in done.stdout


def test_bank_check_prints_problems_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "loi.csv"
    bad.write_text(
        "Mã,Câu hỏi,A,B,Đáp án\nX1,Câu một?,Có,Không,C\nX2,Câu hai?,Có,Không,A\nX2,Câu ba?,Có,Không,B\n",
        encoding="utf-8",
    )
    done = run(tmp_path, "bank", "check", str(bad))
    assert done.returncode == 1
    assert "Lỗi (dòng 2, cột E (Đáp án)): Đáp án C trỏ tới phương án trống." in done.stdout
    assert "Mã câu hỏi «X2» trùng với dòng 3." in done.stdout


def test_bank_check_refuses_an_unreadable_file(tmp_path: Path) -> None:
    macro = tmp_path / "a.xlsm"
    macro.write_bytes(b"PK\x03\x04")
    done = run(tmp_path, "bank", "check", str(macro))
    assert done.returncode == 1 and "macro" in done.stderr


def test_bank_import_then_export_round_trips(tmp_path: Path) -> None:
    source = tmp_path / "nh.xlsx"
    source.write_bytes(write_bank(make_bank(), "xlsx"))
    done = run(tmp_path, "bank", "import", str(source), "--name", "Ngân hàng CLI")
    assert done.returncode == 0, done.stderr
    assert "Đã nhập: ngân hàng 1, phiên bản 1." in done.stdout
    again = run(tmp_path, "bank", "import", str(source), "--name", "Ngân hàng CLI")
    assert again.returncode == 1 and "exists" in again.stderr
    version = run(tmp_path, "bank", "import", str(source), "--bank", "1")
    assert version.returncode == 0 and "Đã nhập: ngân hàng 1, phiên bản 2." in version.stdout
    listing = run(tmp_path, "bank", "list")
    assert "Ngân hàng CLI\tphiên bản 2\t40 câu" in listing.stdout
    out = tmp_path / "out.json"
    assert run(tmp_path, "bank", "export", "--bank", "1", "--format", "json", "-o", str(out)).returncode == 0
    assert out.read_bytes() == write_bank(make_bank(), "json")
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'bank.%'").fetchone()[0] == 2


def test_bank_check_validates_the_bundled_folder_as_the_docs_say(tmp_path: Path) -> None:
    done = run(tmp_path, "bank", "check", str(QUESTIONS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert " câu hỏi, 0 lỗi, " in done.stdout.splitlines()[0]


def test_bank_check_reads_one_toml_file_and_fails_on_its_errors(tmp_path: Path) -> None:
    folder = tmp_path / "nh"
    folder.mkdir()
    (folder / "01-mot.toml").write_text(
        'topic = "Một"\n[[questions]]\ncode = "M-9"\ntext = "Hỏi?"\noptions = ["a", "b"]\nanswer = "C"\n'
        '[[questions]]\ncode = "M-1"\ntext = "Hỏi một?"\noptions = ["a", "b"]\nanswer = "B"\n',
        encoding="utf-8",
    )
    (folder / "02-hai.toml").write_text(
        'topic = "Hai"\n[[questions]]\ncode = "M-1"\ntext = "Hỏi khác?"\noptions = ["a", "b"]\nanswer = "A"\n',
        encoding="utf-8",
    )
    one = run(tmp_path, "bank", "check", str(folder / "02-hai.toml"))
    assert one.returncode == 0, one.stdout + one.stderr
    assert one.stdout.startswith("1 câu hỏi, 0 lỗi, 0 cảnh báo")
    both = run(tmp_path, "bank", "check", str(folder))
    assert both.returncode == 1
    assert "Lỗi (dòng 3, cột answer): 01-mot.toml: Đáp án C trỏ tới phương án trống." in both.stdout
    assert "Mã câu hỏi «M-1» trùng." in both.stdout


def test_bank_check_refuses_a_folder_without_toml_files(tmp_path: Path) -> None:
    done = run(tmp_path, "bank", "check", str(tmp_path))
    assert done.returncode == 1
    assert f"Không có tệp .toml nào trong {tmp_path}." in done.stderr


def test_bank_check_prints_the_quality_report_without_failing(tmp_path: Path) -> None:
    keyed_a = tmp_path / "dap-an-a.json"
    keyed_a.write_bytes(write_bank(make_bank(), "json"))  # every one-key question keyed A
    done = run(tmp_path, "bank", "check", str(keyed_a))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Báo cáo chất lượng: 4 cảnh báo" in done.stdout
    assert "  Cảnh báo: Câu một đáp án: phương án A là đáp án đúng ở quá nhiều câu: 32/32 câu" in done.stdout
    assert "Báo cáo chất lượng: 0 cảnh báo" in run(tmp_path, "bank", "check", str(QUESTIONS)).stdout


def test_serve_refuses_several_workers_on_sqlite(tmp_path: Path) -> None:
    done = run(tmp_path, "serve", "--workers", "2")
    assert done.returncode == 1
    assert "SQLite chỉ chạy với một tiến trình (--workers 1)" in done.stderr
    assert "For several workers or nodes use PostgreSQL" in done.stderr
    assert not (tmp_path / "cli.db").exists()  # refused before anything was created


def test_backup_copies_the_sqlite_database(tmp_path: Path) -> None:
    source = tmp_path / "nh.json"
    source.write_bytes(write_bank(make_bank(), "json"))
    assert run(tmp_path, "bank", "import", str(source), "--name", "Ngân hàng sao lưu").returncode == 0
    done = run(tmp_path, "backup", "sao-luu.db")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Đã sao lưu vào sao-luu.db.\n"
    with sqlite3.connect(tmp_path / "sao-luu.db") as copy:
        assert copy.execute("SELECT name FROM banks").fetchall() == [("Ngân hàng sao lưu",)]
        assert copy.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 40
    again = run(tmp_path, "backup", "sao-luu.db")
    assert again.returncode == 1 and "sao-luu.db exists: choose a new file name" in again.stderr


def test_bank_import_refuses_a_version_too_small_for_an_open_round(tmp_path: Path) -> None:
    asyncio.run(seed_database(tmp_path / "cli.db", duration=600))  # bank 1 (40 questions), rounds of 5
    small = tmp_path / "nho.json"
    small.write_bytes(write_bank(make_bank(4), "json"))
    done = run(tmp_path, "bank", "import", str(small), "--bank", "1")
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "contest: Nhập từ tệp nho.json (dòng lệnh): không thực hiện được vì vòng «Vòng mở» sẽ không đủ câu hỏi. "
        "Vòng thi cần 5 câu nhưng ngân hàng chỉ có 4 câu."
    )
    assert "phiên bản 1\t40 câu" in run(tmp_path, "bank", "list").stdout


def test_bank_import_refuses_an_empty_name(tmp_path: Path) -> None:
    source = tmp_path / "nh.json"
    source.write_bytes(write_bank(make_bank(), "json"))
    for name in ("", "   ", "\u200b"):
        done = run(tmp_path, "bank", "import", str(source), "--name", name)
        assert (done.returncode, done.stderr.strip()) == (1, "contest: Vui lòng đặt tên cho ngân hàng câu hỏi."), name
    assert run(tmp_path, "bank", "list").stdout.strip() == ""


def test_bank_check_damaged_files_are_messages_not_tracebacks(tmp_path: Path) -> None:
    deep = tmp_path / "sau.json"
    deep.write_bytes(b"[" * 100_000)
    lone = tmp_path / "hong.json"
    lone.write_bytes(b'[{"question": "H\\ud800?", "options": ["a", "b"], "answer": 0}]')
    done = run(tmp_path, "bank", "check", str(deep))
    assert (done.returncode, "Traceback" in done.stderr) == (1, False)
    assert "lồng nhau quá sâu" in done.stderr
    done = run(tmp_path, "bank", "import", str(lone), "--name", "Hỏng")
    assert (done.returncode, "Traceback" in done.stderr) == (1, False)
    assert "Lỗi (dòng 1, cột question): Có ký tự hỏng (U+D800, nửa cặp UTF-16)" in done.stdout


def test_serve_refuses_a_sender_setting_that_cannot_work(tmp_path: Path) -> None:
    env = {**environment(tmp_path / "cli.db"), "CONTEST_SMS_SENDER": "webhook"}
    done = subprocess.run([CONTEST, "serve"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "CONTEST_SMS_WEBHOOK_URL must be an http:// or https:// address" in done.stderr
    assert not (tmp_path / "cli.db").exists()  # refused before anything was created
