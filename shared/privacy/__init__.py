"""The letters privacy guard (hard rule 2): a letter to parents, pupils or staff never names a
child in any form a person could write it, never gives a personal identifier and never
describes the material.

Layers, each in its own module: `text` normalises what people type (case, accents, look-alike
letters, hidden characters, spacing); `recorded` turns what the incident holds into the forms
a letter must not contain; `identifiers`, `classes` and `material` find phone numbers, addresses,
class labels and words for the material; `people` asks the Dutch de-identification library
deduce for persons nobody recorded, `first_names` knows first names of pupils' languages in
any case. `guard` puts them together, reading of the rendered letter only what `pieces` says
the typed fields did not already cover; `review` points a second reader to what deserves a look.
"""

from shared.privacy.guard import Allowed, Finding, PrivacyGuard
from shared.privacy.people import GuardNotReady, NameFinder
from shared.privacy.recorded import Recorded
from shared.privacy.review import Span, spans_to_review

__all__ = [
    "Allowed", "Finding", "GuardNotReady", "NameFinder", "PrivacyGuard", "Recorded", "Span",
    "spans_to_review",
]  # fmt: skip
