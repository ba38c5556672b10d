"""The privacy guard against what a hurried director writes and what someone writes to get
past it: every part of a recorded name in any form, classes in any notation, identifiers in
disguise, words for the material — and what a letter must be able to say still passes."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from shared.letters import LetterBlocked, RenderedLetter
from shared.privacy import PrivacyGuard, Recorded

Write = Callable[..., RenderedLetter]

PUPILS = [
    Recorded("betrokken leerling: slachtoffer", "Daan de Vries", "leerling"),
    Recorded("betrokken leerling: slachtoffer", "groep 7b"),
    Recorded("betrokken leerling: verspreider", "Fatima El Amrani", "leerling"),
    Recorded("betrokken leerling: verspreider", "@fatima.e_2013", "leerling"),
    Recorded("betrokken leerling: ontvanger", "Мария Иванова", "leerling"),
    Recorded("omvang en impact", "Sem", "namen"),
    Recorded("notitie", "De moeder van Lotte Bakker belde de mentor."),
]

BLOCKED = [
    "Daan", "DAAN", "daan", "Dáán", "Vries", "de Vries", "D. de Vries", "Daans moeder", "Daan's telefoon",
    "Daan\nde Vries", "Daan  de   Vries", "Da\u200ban", "D\u0430\u0430n", "D a a n", "D.a.a.n", "d4an",
    "Ｄａａｎ", "Daantje", "DaanDeVries", "daan_devries", "Fatima", "Amrani", "El Amrani", "Fatima's",
    "Sem", "Sems", "Mariya", "Мария", "Ivanova", "Lotte", "Bakker", "de groep van Lotte",
    "7b", "7B", "groep 7b", "groep 7-b", "groep zeven b", "groep 7", "fatima.e_2013", "@fatima.e_2013",
]  # fmt: skip


@pytest.mark.parametrize("written", BLOCKED)
def test_every_form_of_a_recorded_name_or_class_blocks(written: str, write: Write) -> None:
    with pytest.raises(LetterBlocked) as blocked:
        write("ouders_klas", PUPILS, what_is_happening=f"Het gaat om {written}, en wij helpen.")
    reasons = blocked.value.by_field()["what_is_happening"]
    assert reasons
    for reason in reasons:  # the reason never spells out someone's whole recorded name
        for whole in ("Daan de Vries", "Fatima El Amrani", "Lotte Bakker", "Мария Иванова"):
            assert whole.lower() not in reason.lower()


UNRECORDED = [
    "Sanne en Bram zijn erbij betrokken.",
    "Het kind van de familie Yilmaz is aangesproken.",
    "Xiao Ming heeft het gezien.",
    "Juf Priya heeft het gemeld.",
    "Mohammed was erbij.",
    "Bel 06-12345678 voor vragen.",
    "Bel +31 6 1234 5678.",
    "Bel +31 (0)6-1234 5678.",
    "Bel 0031 6 12345678.",
    "Bel 010-123 45 67.",
    "Bel (020) 123 45 67.",
    "Bel 06.12.34.56.78.",
    "Mail anna@gmail.com.",
    "Mail anna [at] gmail [punt] com.",
    "Mail anna(at)gmail(dot)com.",
    "Mail anna at gmail punt com.",
    "Kijk niet op hxxp://foto-site[.]nl/x.",
    "De beelden stonden op foto-site.nl.",
    "Zie www.ergens.invalid.nl.",
    "Volg @stoere_jongen niet.",
    "Zijn snap: daantje07 is bekend.",
    "Er gaat een naaktfoto rond.",
    "Er gaan nudes rond.",
    "Het is een blote foto.",
    "Een halfnaakte foto.",
    "Er gaat een seksfilmpje rond.",
    "Het is een sexy plaatje.",
    "Op de foto is haar ondergoed te zien.",
    "Klas 2a en 3 havo zijn geïnformeerd.",
    "Het BSN 123456782 staat in het dossier.",
]


@pytest.mark.parametrize("sentence", UNRECORDED)
def test_people_nobody_recorded_identifiers_and_the_material_block(sentence: str, write: Write) -> None:
    with pytest.raises(LetterBlocked) as blocked:
        write("ouders_alle", PUPILS, what_we_do=sentence)
    assert blocked.value.by_field()["what_we_do"]


ALLOWED = [
    "Heeft u vragen? Mail naar contact@dewilg.voorbeeld.nl of bel 045 123 4567.",
    "Bel 045-1234567 voor een afspraak.",
    "Kijk op www.helpwanted.nl of https://www.stappenplansexting.nl/ouders voor tips.",
    "Meld beelden via meldknop.nl; praat met Veilig Thuis (veiligthuis.nl, 0800-2000).",
    "Heeft uw kind het moeilijk? De Kindertelefoon (0800-0432) en 113 luisteren.",
    "Wij praten in alle klassen over sexting en over wat wel en niet mag.",
    "Het verspreiden van seksuele beelden van minderjarigen is strafbaar.",
    "Wij vragen u om 19.30 uur naar de aula te komen, op 1 december.",
]


@pytest.mark.parametrize("sentence", ALLOWED)
def test_what_a_letter_should_say_still_passes(sentence: str, write: Write) -> None:
    write("ouders_alle", PUPILS, what_we_do=sentence)


def test_the_school_contact_person_may_be_named_in_the_contact_field(write: Write) -> None:
    write("ouders_alle", PUPILS, contact_person="meneer Mees Jansen, intern begeleider")
    with pytest.raises(LetterBlocked) as blocked:
        write("ouders_alle", PUPILS, contact_person="de moeder van Daan")
    assert blocked.value.by_field()["contact_person"]


def test_a_recorded_name_blocks_even_where_a_person_finder_sees_none(write: Write) -> None:
    """'Wil' and 'Roos' are Dutch words too; in the register they are names."""
    pupils = [Recorded("betrokken leerling: slachtoffer", "Roos Wil", "leerling")]
    for sentence in ("Wij zijn een roos rijker.", "Wie dat wil, kan bellen."):
        with pytest.raises(LetterBlocked):
            write("ouders_alle", pupils, what_we_do=sentence)


def test_a_name_in_a_list_of_people_blocks_but_the_words_around_it_do_not(write: Write) -> None:
    listed = [Recorded("omvang en impact", "twee leerlingen van Kevin Brouwersma", "namen")]
    write("ouders_alle", listed, what_we_do="Wij spreken met de leerlingen en hun ouders.")
    with pytest.raises(LetterBlocked):
        write("ouders_alle", listed, what_we_do="Wij spreken met Kevin.")


def test_digits_in_a_link_are_no_phone_number(guard) -> None:  # type: ignore[no-untyped-def]
    from shared.boards import board
    from shared.letters import render_reminder

    kindante = board("kindante")
    for incident_id in ("0f1c2d3e-1234-5678-9012-345678901234", "a1234567-89ab-4cde-8f01-123456789012"):
        letter = render_reminder(
            kind="stap",
            step="Stap 3. Schakel met de politie",
            school=kindante.school("de-wilg"),
            board=kindante,
            due_on="2026-12-01",
            link=f"https://zorgvuldig.voorbeeld.nl/meldingen/{incident_id}",
            guard=guard,
        )
        assert incident_id in letter.text


def test_threads_sharing_the_name_finder_each_get_their_own_texts_persons(guard: PrivacyGuard) -> None:
    """The web and the notifier check letters on several threads with one loaded finder."""
    import threading

    finder = guard.finder
    texts = [
        f"Juf Priya sprak met Sanne de Vries en Bram over dag {i}."
        if i % 2
        else f"De mentor belde {i} ouders."
        for i in range(80)
    ]
    expected = [finder.persons_in_each([t])[0] for t in texts]
    wrong: list[int] = []

    def check(start: int) -> None:
        wrong.extend(
            i for i in range(start, len(texts), 4) if finder.persons_in_each([texts[i]])[0] != expected[i]
        )

    threads = [threading.Thread(target=check, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == [] and any(expected)


def test_loading_the_name_finder_leaves_the_processs_logging_as_it_was() -> None:
    """deduce sets up DEBUG logging to stdout when it is imported; in a process that has not
    configured logging yet, the SMTP client would then print addresses and letters."""
    import subprocess
    import sys

    script = (
        "import logging\n"
        "from shared.privacy import NameFinder\n"
        "assert NameFinder.shared(wait=True).ready\n"
        "print(logging.getLogger().level, len(logging.getLogger().handlers))\n"
    )
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.strip().splitlines()[-1] == f"{logging.WARNING} 0", done.stdout[-500:]
