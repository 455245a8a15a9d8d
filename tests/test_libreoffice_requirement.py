"""Tests that need LibreOffice skip on a machine without it, and fail where CI requires it."""

from __future__ import annotations

import shutil

import pytest

from conftest import REQUIRE_LIBREOFFICE, find_soffice


def test_missing_soffice_skips_with_the_reason(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv(REQUIRE_LIBREOFFICE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="LibreOffice \\(soffice\\) is not installed"):
        find_soffice()


def test_missing_soffice_fails_where_it_is_required(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv(REQUIRE_LIBREOFFICE, "1")
    with pytest.raises(pytest.fail.Exception, match="LEDGER_REQUIRE_LIBREOFFICE=1 requires it"):
        find_soffice()


def test_soffice_on_path_is_found(monkeypatch, tmp_path):
    program = tmp_path / "soffice"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv(REQUIRE_LIBREOFFICE, "1")
    assert find_soffice() == str(program)
