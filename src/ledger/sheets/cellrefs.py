"""Excel cell references: column letters and numbers (1-based: A = 1, XFD = 16384), runs of rows, for every layer."""

from __future__ import annotations

from collections.abc import Iterable


def col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def cell_position(ref: str) -> tuple[int, int]:
    """ "B3" -> (2, 3): column and row, 1-based."""
    letters = ref.rstrip("0123456789")
    return col_number(letters), int(ref[len(letters) :])


def runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive row (or column) numbers as (first, last) runs: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    out: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out
