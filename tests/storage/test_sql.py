"""The dialect-neutral surface store code sees (contest/storage/sql.py)."""

from __future__ import annotations

from contest.storage.sql import Row, to_pyformat


def test_placeholders_become_psycopg_ones_outside_quoted_text() -> None:
    sql = "SELECT ?, :name, x::int, '50% ?:a' FROM t WHERE a LIKE 'x%' AND b = ? AND c % 2 = 0"
    assert to_pyformat(sql) == (
        "SELECT %s, %(name)s, x::int, '50%% ?:a' FROM t WHERE a LIKE 'x%%' AND b = %s AND c %% 2 = 0"
    )


def test_rows_answer_to_an_index_and_a_column_name() -> None:
    row = Row((7, "Hòa"), {"id": 0, "name": 1})
    assert (row[0], row["id"], row[1], row["name"]) == (7, 7, "Hòa", "Hòa")
    assert (tuple(row), len(row), row.keys()) == ((7, "Hòa"), 2, ["id", "name"])
