"""Head office (SPEC §10): read every office's export, check it, consolidate, keep the history."""
