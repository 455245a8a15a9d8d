"""Build tooling for the ledger Excel add-in (dist/ledger.xlam); not shipped in the wheel."""
