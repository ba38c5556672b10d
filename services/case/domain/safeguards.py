"""Moved to the published protocol (shared/protocol/safeguards.py), which the reports read too; the
case domain keeps importing it from here."""

from shared.protocol.safeguards import *  # noqa: F403
