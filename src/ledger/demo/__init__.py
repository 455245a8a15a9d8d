"""The demo: a realistic, seeded ledger over several months and the whole monthly job run on it."""
