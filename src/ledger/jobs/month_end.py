"""The month-end run: validate, sample, callbacks and statistics in one write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ledger.core.allocation import without_gc
from ledger.core.changes import Changes, assessed
from ledger.core.models import Ledger
from ledger.jobs.callbacks import callbacks_job
from ledger.jobs.sample import sample_job
from ledger.jobs.stats import stats_job
from ledger.jobs.validate import validate_job


@without_gc
def month_end_job(ledger: Ledger, month: str, as_of: dt.date) -> tuple[dict[str, Any], Changes]:
    """validate, sample `month`, callbacks and the month's statistics in one run, one write.

    The same Changes as running the four jobs one after another on this ledger
    and merging them in that order, with the statuses and problems computed once.
    """
    shared = assessed(ledger, as_of)
    validation, changes = validate_job(ledger, as_of, shared=shared)
    sample, more = sample_job(ledger, month, None, as_of, shared=shared)
    changes.merge(more)
    report, _, more = callbacks_job(ledger, as_of, shared=shared)
    changes.merge(more)
    stats, more = stats_job(ledger, month, as_of, shared=shared)
    changes.merge(more)
    return {"validation": validation, "sample": sample, "callbacks": report, "stats": stats}, changes
