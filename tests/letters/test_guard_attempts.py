"""Issue 28's corpus: attempts to get a pupil into a letter past the guard, of every kind an
adversary tried, against pupils from six naming traditions in the register — none reaches a
parent — and sentences a school writes, of which at most 2% are held back."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shared.letters import LetterBlocked, RenderedLetter
from shared.privacy import Recorded

Write = Callable[..., RenderedLetter]

REGISTER = [
    Recorded("betrokken leerling: slachtoffer", "Daan Verbeek", "leerling"),  # Nederlands
    Recorded("betrokken leerling: slachtoffer", "groep 7b"),
    Recorded("betrokken leerling: verspreider", "Youssef al-Amrani", "leerling"),  # Marokkaans
    Recorded("betrokken leerling: ontvanger", "Göksu Yılmaz", "leerling"),  # Turks
    Recorded("betrokken leerling: ontvanger", "Wojciech Kowalczyk", "leerling"),  # Pools
    Recorded("betrokken leerling: ontvanger", "Олена Шевченко", "leerling"),  # Oekraïens
    Recorded("betrokken leerling: maker", "Ravi Ramdin", "leerling"),  # Surinaams-Hindoestaans
]

RECORDED_NAMES = [
    "Da-an", "Da.an", "D.a.a.n.", "Da*n", "D**n", "Daaaaan", "DAAAN", "da an", "Da-\nan",
    "xXdaanXx", "daan2014", "daanverbeek", "#teamdaan", "verbeek_fan", "Ver-\nbeek",
    "Yous-\nsef", "Y*ussef", "Youssefff", "Joesef", "Yousef", "Amrani", "al-Amrani", "alamrani",
    "Goeksu", "Göksu", "Goksu", "G*ksu", "Yilmaz", "Yılmaz", "Y-i-l-m-a-z",
    "Wojtsjech", "Wojtek", "Kowalczyk", "Kowaltsjyk", "W0jciech",
    "Olena", "Олена", "Shevchenko", "Sjevtsjenko", "Schewtschenko",
    "Ravi", "R a v i", "Raaavi", "Ramdin", "ravi_r", "ramdinnn",
]  # fmt: skip


@pytest.mark.parametrize("written", RECORDED_NAMES)
def test_a_recorded_name_in_any_spelling_is_held_back(written: str, write: Write) -> None:
    held(write, what_is_happening=f"Het gaat om {written}, en wij helpen.")


UNRECORDED_FIRST_NAMES = [
    "Oksana heeft de beelden gezien.", "Ook mykola was erbij.", "Het was Taras uit de bovenbouw.",
    "Kacper en Wiktoria hebben het gemeld.", "agnieszka heeft het doorgestuurd.",
    "Het gaat om Zeynep.", "Emre heeft het gemaakt.", "ayoub heeft het verspreid.",
    "Ook Khadija is ervan geschrokken.", "Sunita heeft het gemeld.", "Het filmpje kwam van Kishan.",
    "Bilal zag het als eerste.", "Yaroslav heeft het gedeeld.", "Het gaat om Mariia.",
    "Wij spraken met Dmytro.", "Het gaat om Ілля.", "Het gaat om محمد.", "SOFIIA was erbij.",
    "Priyanka heeft het doorgestuurd.", "Het gaat om Xiao Ming.",
]  # fmt: skip


@pytest.mark.parametrize("sentence", UNRECORDED_FIRST_NAMES)
def test_a_first_name_nobody_recorded_is_held_back(sentence: str, write: Write) -> None:
    held(write, what_we_do=sentence)


CONTACT_ATTEMPTS = [
    {"contact_person": "de vader van Bilal, bereikbaar via de school"},
    {"contact_person": "de moeder van Daan"},
    {"contact_person": "Oksana Melnyk", "what_we_do": "Wij spreken met Oksana."},
    {"contact_person": "mevrouw Petra Bakker", "why": "Petra Bakker weet er meer van."},
    {"contact_person": "oom Hakan"},
    {"contact_person": "de intern begeleider", "what_we_do": "De zus van Noor helpt ons."},
]


@pytest.mark.parametrize("fields", CONTACT_ATTEMPTS)
def test_a_name_in_the_contact_field_is_held_back_unless_staff(fields: dict[str, str], write: Write) -> None:
    held(write, **fields)


def test_a_staff_member_may_be_the_contact_and_be_named_elsewhere(write: Write) -> None:
    write(
        "ouders_alle",
        REGISTER,
        contact_person="meneer M. Jansen, intern begeleider",
        what_we_do="Mees Jansen en mevrouw A. de Vries spreken met de klassen.",
    )


MATERIAL = [
    "Op de foto heeft ze niets aan.", "Op het filmpje is hij zonder shirt te zien.",
    "Zij kleedde zich uit voor de camera.", "Hij trok zijn broek uit.", "Ze staat in haar bh op de foto.",
    "Het is een foto in ondergoed.", "De foto is in de badkamer gemaakt.",
    "Het filmpje is opgenomen in de douche.",
    "De foto is gemaakt in de kleedkamer van de gymzaal.", "Je ziet haar borsten.", "Je ziet zijn piemel.",
    "Het gaat om een dickpic.", "Er gaan noodz rond.", "Op het filmpje zoenen ze.",
    "Op de foto ligt ze in bed.",
    "The picture shows her naked.", "He took off his shirt in the video.", "A nude of a pupil went round.",
    "Het was een topless foto.", "Ze waren aan het seksen.", "Er is een sexvideo gedeeld.",
    "In zijn nakie op snap.",
]  # fmt: skip


@pytest.mark.parametrize("sentence", MATERIAL)
def test_a_detail_of_the_material_is_held_back(sentence: str, write: Write) -> None:
    held(write, what_is_happening=sentence)


IDENTIFIERS = [
    "Hij woont op de Lindenlaan 14.", "Het adres is Dorpsstraat 3a.", "Zij woont aan de Beukenlaan.",
    "Post voor 6411 AB graag via de school.", "Het gaat om postcode 6412cd.",
    "Zij is geboren op 12 maart 2013.", "Hij is jarig op 4 mei.", "Geboortedatum: 03-04-2014.",
    "Geboren op twaalf maart tweeduizenddertien.", "Zijn verjaardag is op 7 juli.",
    "Bel O6-l2345678 als u iets weet.", "Bel nul zes een twee drie vier vijf zes zeven acht.",
    "Bel nul zes twaalf vierendertig zesenvijftig achtenzeventig.", "Bel 06 12 34 56 78.",
    "Leerlingnummer 204518 is betrokken.", "Het gaat om lln.nr. 31337.", "Zoek op nummer 4401823.",
    "Op insta heet ze fatima.e", "Zijn snap is daantje07.", "Volg #justiceforsem niet.",
    "Gamertag xXsemXx speelt mee.", "Het account sem_b_2013 is geblokkeerd.", "TikTok: stoerejongen",
    "Zijn tiktok heet stoerejongen.", "Mail naar sem.b@gmail.com.", "Het gaat om @noor.e",
    "Zie roblox gebruiker coolkid2013.",
]  # fmt: skip


@pytest.mark.parametrize("sentence", IDENTIFIERS)
def test_a_personal_identifier_is_held_back(sentence: str, write: Write) -> None:
    held(write, what_we_do=sentence)


def test_the_corpus_holds_a_hundred_attempts_across_every_kind() -> None:
    kinds = (RECORDED_NAMES, UNRECORDED_FIRST_NAMES, CONTACT_ATTEMPTS, MATERIAL, IDENTIFIERS)
    assert sum(len(kind) for kind in kinds) >= 100 and all(len(kind) >= 6 for kind in kinds)
    assert len(CLEAN) >= 50


CLEAN = [
    "Op school gaan beelden rond van een leerling. Wij nemen dit zeer serieus.",
    "Wij hebben contact gezocht met de wijkagent en volgen zijn advies.",
    "Heeft uw kind beelden ontvangen, vraag dan om ze direct te verwijderen.",
    "Het doorsturen van zulke beelden is strafbaar en doet de leerling in beeld veel pijn.",
    "Voor vragen kunt u terecht bij de intern begeleider, mevrouw A. de Vries.",
    "Bel gerust meneer M. Jansen op 045 123 4567.",
    "Mees Jansen, directeur, is bereikbaar op maandag en dinsdag.",
    "Mail naar contact@dewilg.voorbeeld.nl als u vragen heeft.",
    "Tips voor een gesprek thuis vindt u op www.stappenplansexting.nl.",
    "Is uw kind slachtoffer van online misbruik? Kijk op helpwanted.nl of bel 020-2615275.",
    "Slachtofferhulp Nederland is bereikbaar op 0900-0101 en via slachtofferhulp.nl.",
    "Het Centrum Seksueel Geweld is dag en nacht bereikbaar op 0800-0188 (centrumseksueelgeweld.nl).",
    "Maakt u zich zorgen over de veiligheid thuis, bel dan Veilig Thuis: 0800-2000.",
    "Kinderen kunnen anoniem praten met de Kindertelefoon, 0800-0432 of kindertelefoon.nl.",
    "Denkt uw kind aan zelfdoding, bel dan 113 of 0800-0113, of kijk op 113.nl.",
    "Beelden op internet kunt u melden via meldknop.nl.",
    "In de klassen praten de leerkrachten deze week over sexting en over grenzen.",
    "Donderdag 12 maart om 19.30 uur is er een bijeenkomst in de aula.",
    "Op 1 december om 19.30 uur bent u welkom in de aula.",
    "De bijeenkomst is in het gebouw aan de Wilgenlaan 12.",
    "Na de kerstvakantie evalueren wij met de ouders wat goed ging.",
    "Rond Sinterklaas, Kerstmis, het Suikerfeest en Divali letten wij extra op elkaar.",
    "Sinds 1 juli 2024 geldt de Wet seksuele misdrijven.",
    "Wij hopen dat de rust snel terugkeert; er is hoop.",
    "Wie dat wil, kan na schooltijd binnenlopen.",
    "In de schooltuin bloeit een roos en zit een mees in het vogelhuisje.",
    "De bas van de muziekles blijft op school.",
    "Het nieuwe rooster staat op de website.",
    "Het klassenrooster verandert niet.",
    "Als u vragen heeft, al is het maar een kleine, neem dan contact op.",
    "Van de school krijgt u bericht als er nieuws is.",
    "De leerkrachten van de groepen zijn voorbereid op vragen.",
    "Wij werken samen met het zorg- en adviesteam en de gemeente.",
    "Het verspreiden van seksuele beelden van minderjarigen is strafbaar.",
    "Sexting tussen leeftijdgenoten is niet strafbaar als beiden het willen, doorsturen wel.",
    "Wij vragen u geen beelden door te sturen, ook niet naar de school.",
    "Praat met uw kind over wat het heeft gezien en hoe het zich voelt.",
    "De politie is bij de bijeenkomst aanwezig om vragen te beantwoorden.",
    "Wij houden u op de hoogte van wat de school verder doet.",
    "De leerling in beeld treft geen blaam: het is nooit de schuld van wie in beeld is.",
    "Ook de medewerkers krijgen steun bij gesprekken met leerlingen.",
    "Op het schoolplein houden de pleinwachten een extra oogje in het zeil.",
    "Wij vragen u uw kind te steunen en niet te oordelen.",
    "Heeft u zelf beelden ontvangen, bewaar ze dan niet en meld het bij de school.",
    "Please contact us at the school if you have any questions.",
    "We are working with the police and will keep you informed.",
    "The meeting is on Thursday 12 March at 7.30 pm in the hall.",
    "You can call Veilig Thuis at 0800-2000 or Slachtofferhulp at 0900-0101.",
    "Children can talk to the Kindertelefoon for free on 0800-0432.",
    "Wij zijn de komende weken extra alert, ook in de pauzes en bij de gymles.",
    "Uw kind kan ook terecht bij de vertrouwenspersoon van de school.",
    "Wij informeren u opnieuw in april, na de meivakantie.",
    "In groepen en klassen wordt er besproken wat wel en niet mag online.",
    "De school volgt de stappen van het protocol van Kindante.",
]


def test_the_sentences_a_school_writes_go_out(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    held_back = []
    for sentence in CLEAN:
        try:
            write("ouders_alle", REGISTER, what_we_do=sentence)
        except LetterBlocked as error:
            held_back.append(f"{sentence} → {'; '.join(error.reasons)}")
    with capsys.disabled():
        print(f"\nPrivacycontrole, issue 28: {len(held_back)} van {len(CLEAN)} goede zinnen tegengehouden")
        for line in held_back:
            print(f"  tegengehouden: {line}")
    assert len(held_back) <= 0.02 * len(CLEAN), held_back


def held(write: Write, **fields: str) -> None:
    with pytest.raises(LetterBlocked):
        write("ouders_alle", REGISTER, **fields)
