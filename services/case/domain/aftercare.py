"""Moved to the published protocol (shared/protocol/aftercare.py), which the reports read too; the
case domain keeps importing it from here."""

from shared.protocol.aftercare import *  # noqa: F403
