"""The operations behind the commands and the ribbon buttons: each takes a loaded ledger and returns its result
and the Changes it would write."""
