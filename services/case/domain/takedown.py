"""Moved to the published protocol (shared/protocol/takedown.py), which the reports read too; the
case domain keeps importing it from here."""

from shared.protocol.takedown import *  # noqa: F403
