"""The shortcuts that keep the guard fast pass over only text that cannot hold a finding."""

from __future__ import annotations

import phonenumbers
from phonenumbers.phonenumberutil import COUNTRY_CODES_FOR_NON_GEO_REGIONS, SUPPORTED_REGIONS

from shared.privacy.identifiers import SHORTEST_NUMBER, Allowed, accounts, phone_numbers


def test_no_country_has_a_phone_number_shorter_than_the_matcher_is_skipped_for() -> None:
    metadata = [phonenumbers.PhoneMetadata.metadata_for_region(r) for r in SUPPORTED_REGIONS]
    metadata += [
        phonenumbers.PhoneMetadata.metadata_for_nongeo_region(c) for c in COUNTRY_CODES_FOR_NON_GEO_REGIONS
    ]

    assert min(min(m.general_desc.possible_length) for m in metadata) >= SHORTEST_NUMBER


def test_a_phone_number_of_four_digits_is_still_found() -> None:
    assert phone_numbers("Bel +683 4002 voor de foto.", Allowed()) == ["+683 4002"]


def test_text_without_four_digits_close_together_holds_no_phone_number() -> None:
    assert phone_numbers("Op 12 maart om 7 uur, in lokaal 3.", Allowed()) == []


def test_handle_shaped_words_are_still_found_among_ordinary_words() -> None:
    found = accounts("Zij stuurde het door naar daan_2013 en xxsemxx12, zegt groep acht.")

    assert found == ["daan_2013", "xxsemxx12"]
