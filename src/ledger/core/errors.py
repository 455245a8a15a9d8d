"""One way to fail: a `LedgerError` carries a stable code and its parameters, never a sentence.

The sentence is made when it is shown, in the clerk's language, from the code's
entry in the catalog (core.i18n): `exc.message(lang)`. Every failure the clerk
can act on is a LedgerError (an unusable ledger or workbook, a refused write,
a mail problem, a refused archive); cli.py catches it once, prints the message
and exits with status 2.
"""

from __future__ import annotations

from typing import Any

from ledger.core.i18n import DEFAULT_LANGUAGE, text


class LedgerError(Exception):
    """A failure with a code (for logs, JSON and tests) and the parameters its message needs."""

    def __init__(self, code: str, *, lang: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        self.lang = lang  # the workbook's own language, when it was known where the error arose

    def message(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """What went wrong and what to do: in the workbook's language if known, else in `lang`."""
        return text(self.code, self.lang or lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")
