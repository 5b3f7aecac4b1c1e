"""Hypothesis profiles: ``ci`` (the default, bounded so ``make test`` stays quick) and
``fuzz`` (``make fuzz``: many more examples). Choose with HYPOTHESIS_PROFILE."""

from __future__ import annotations

import os
import signal

from hypothesis import HealthCheck, settings

# Started with a signal ignored (SIGINT, as a background job is), the tests' children would
# inherit that, and aoc23 respects it: the tests that send signals need them to arrive.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
if signal.getsignal(signal.SIGTERM) == signal.SIG_IGN:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
