"""Example data for every recordable action, with recognisable planted pupil names.

Used by the round-trip tests, the privacy tests and the benchmarks, so that a new action
without an example fails `test_every_action_has_an_example`.
"""

from __future__ import annotations

from typing import Any

from shared.identity import Actor, Role

# Recorded through CaseManagement.record_action, these two become a LetterRequest of their own
# (services/case/domain/letter_request.py): not an action the Incident itself records.
LETTER_REQUESTS = ("LetterRequested", "LetterProposed")
PLANTED_NAMES = ("Kevin Brouwersma", "Noor Wijnaldum", "Groep 8b")
# The communication statement as a school writes it for the parents who read English.
ENGLISH_STATEMENT: dict[str, str] = {
    "what_is_happening": "Images of a pupil are being shared among pupils without consent.",
    "what_we_think": "We take this very seriously and stand by everyone involved.",
    "what_we_do": "We are working with the police and support the pupils concerned.",
    "why": "So that calm and safety return to our school.",
    "contact_person": "the pastoral care coordinator",
    "language": "en",
}

HANDLER = Actor("u-anna", "Anna de Vries", Role.CASE_HANDLER, board_id="kindante", school_id="de-wilg")
SECOND_HANDLER = Actor("u-jet", "Jet Bos", Role.CASE_HANDLER, board_id="kindante", school_id="de-wilg")
OTHER_SCHOOL_HANDLER = Actor(
    "u-bram", "Bram Peters", Role.CASE_HANDLER, board_id="kindante", school_id="het-anker"
)
OTHER_BOARD_HANDLER = Actor(
    "u-carla", "Carla Smit", Role.CASE_HANDLER, board_id="ander-bestuur", school_id="de-linde"
)
OTV_MEMBER = Actor("u-otv", "Omar Tahiri", Role.OTV, board_id="kindante")
BOARD_MEMBER = Actor("u-bestuur", "Bea Kramer", Role.BOARD, board_id="kindante")
STAFF_MEMBER = Actor("u-mees", "Mees Jansen", Role.STAFF, board_id="kindante", school_id="de-wilg")
ADMINISTRATOR = Actor("u-beheer", "Bert Hof", Role.ADMINISTRATOR, board_id="kindante")

OPENING: dict[str, Any] = {
    "situation": "beeld_leerling",
    "learned_how": "Mentor hoorde van Noor Wijnaldum dat er een foto rondgaat",
    "protocol_id": "kindante-2024-05-29",
}

ACTIONS: dict[str, dict[str, Any]] = {
    "ScopeAssessed": {
        "material_kind": "foto",
        "pupil_visible": "ja",
        "pupil_of_school": True,
        "shared_by": ["Kevin Brouwersma"],
        "possessed_by": ["leerlingen", "ouders"],
        "seen_by": "Groep 8b",
        "channels": ["whatsapp", "snapchat"],
        "other_schools_involved": False,
        "other_schools": "",
    },
    "SourceUrlRecorded": {"url": "https://voorbeeld.invalid/pagina", "public": True},
    "InternetFilterRequested": {
        "url": "https://voorbeeld.invalid/pagina",
        "service_desk": "Dustin servicedesk",
    },
    "CareTeamInvolved": {"roles": ["zorgcoordinator", "vertrouwenspersoon"]},
    "OtvAdviceRequested": {"question": "Moeten wij de ouders van Groep 8b nu al informeren?"},
    "OtvAdviceReceived": {"advice": "Eerst met de wijkagent afstemmen."},
    "ActionPlanMade": {
        "who": "intern begeleider en directeur",
        "what": "gesprek met Noor Wijnaldum, wijkagent bellen",
        "when": "vandaag",
        "where": "kamer van de intern begeleider",
        "how": "eerst het slachtoffer, dan de politie",
    },
    "VictimConversationHeld": {
        "how_are_you": "Noor Wijnaldum is erg geschrokken",
        "friends_reaction": "steunend",
        "others_remarks": "enkele nare opmerkingen",
        "told_adult": "ja",
        "how_that_went": "moeder reageerde rustig",
        "why_not_told": "",
        "naked": "bijna_naakt",
        "recognisable": "ja",
        "knows_who_saw": "ja",
        "where_seen": ["whatsapp"],
        "made_self": "ja",
        "knows_how_spread": "nee",
        "how_found_out": "via een klasgenoot",
        "help_wanted": "niet alleen naar huis fietsen",
        "anything_else": "",
        "agreements": "dagelijks kort contact met mentor",
        "wording": "checklist",
        "worry_at_home": [],
    },
    "VictimParentsConversationHeld": {
        "summary": "ouders van Noor Wijnaldum geschrokken",
        "agreements": "wekelijks bellen",
    },
    "HelpArranged": {"kinds": ["huisarts", "slachtofferhulp"], "other": "", "for_whom": "slachtoffer"},
    "VictimRestArranged": {"rest_period": "twee dagen thuis", "buddies_chosen": True},
    "BuddiesChosen": {
        "buddies": ["Sara Yilmaz", "Daan Vos", "Mila de Boer"],
        "chosen_by_victim": True,
        "agreements": "de klas laat Noor Wijnaldum met rust",
    },
    "PoliceContacted": {
        "contact": "wijkagent",
        "plan": "wijkagent spreekt Kevin Brouwersma",
        "outcomes": ["gesprekken"],
    },
    "ReportDecided": {"decision": "melding", "rationale": "in overleg met de wijkagent"},
    "OtherSchoolsInformed": {"which": "De Klimop", "summary": "directeur gebeld"},
    "MaterialReported": {
        "reported_to": "politie",
        "public_url": False,
        "reported_on": "2026-11-20",
        "reference": "PL-2026-001",
    },
    "DeletionCalled": {"addressed": ["leerlingen_ontvangen", "ouders"], "how": "brief en klassengesprek"},
    "DeletionConfirmed": {"party": "leerlingen", "channel": "whatsapp"},
    "MeetingHeld": {"audience": "ouders", "police_present": True, "summary": "ouderavond met wijkagent"},
    "PupilConversationHeld": {
        "involvement": "verspreider",
        "with_parents": True,
        "aligned_with_police": True,
        "summary": "gesprek met Kevin Brouwersma en zijn vader",
    },
    "PerpetratorParentsHelped": {
        "talked_with": True,
        "help": ["team_jeugd"],
        "notes": "vader van Kevin Brouwersma wil opvoedondersteuning",
    },
    "StaffSupported": {"how": "teamoverleg en gesprekshandvatten"},
    "CommunicationStatementWritten": {
        "what_is_happening": "Er gaat beeldmateriaal rond onder leerlingen.",
        "what_we_think": "Wij vinden dit ernstig en staan naast alle betrokkenen.",
        "what_we_do": "Wij werken samen met de politie.",
        "why": "Zodat de rust en veiligheid terugkeren.",
        "contact_person": "de intern begeleider",
        "language": "nl",
    },
    "PupilMessageDecided": {
        "message": "Delen is schadelijk en strafbaar; wie iets heeft, verwijdert het.",
        "who_tells": "de mentor van Groep 8b",
        "approach": "beide",
    },
    "CultureSensitivityConsidered": {
        "sensitive": "eer van de familie van Noor Wijnaldum",
        "approach": "eerst met moeder, met tolk",
    },
    "ParentHelpInventoried": {
        "for_parents_of": ["slachtoffer", "dader"],
        "help": ["team_jeugd", "helpwanted"],
        "notes": "Team Jeugd kan binnen een week",
    },
    "AlternativeInterventionsConsidered": {
        "options": ["herstelgesprek", "klassengesprek"],
        "chosen": "herstelgesprek met Kevin Brouwersma",
        "why": "hij toont spijt",
    },
    "MeetingPlanned": {
        "audience": "leerlingen",
        "planned_on": "2026-12-10",
        "police_support": True,
        "why": "op grote schaal gedeeld",
    },
    "ClassInterventionHeld": {"scope": "klas_slachtoffer", "what": "reflectie en afspraken"},
    "GroupInformed": {"group": "ouders_klas", "how": "brief"},
    "MediaPrepared": {"spokesperson": "bestuurder", "approach": "verwijzen naar bestuur"},
    "MediaStatementWritten": {
        "statement": "De school handelt volgens het protocol, samen met de politie.",
        "published": "op_verzoek",
    },
    "StepNotNeeded": {"step": "informeren", "reason": "alleen Noor Wijnaldum en haar ouders weten ervan"},
    "VeiligThuisConsulted": {"anonymous": True, "advice": "geen melding nodig"},
    "MeldcodeDecided": {"decision": "niet_melden", "rationale": "hulp is op gang"},
    "AftercarePlanned": {"for_whom": "slachtoffer", "due_on": "2026-12-15"},
    "AftercareHeld": {"for_whom": "slachtoffer", "notes": "gaat beter met Noor Wijnaldum"},
    "EvaluationHeld": {
        "with_whom": ["slachtoffer", "ouders", "leerkrachten"],
        "went_well": "snel contact met politie",
        "could_be_better": "eerder communicatiestatement",
        "protocol_improvements": "statement-sjabloon klaar hebben",
        "prevention": "lessen digitale weerbaarheid",
    },
    "PerpetratorSchoolFeedbackAsked": {
        "school": "De Klimop",
        "feedback": "aanpak van Kevin Brouwersma werkte",
    },
    "PupilRecorded": {
        "role": "slachtoffer",
        "name": "Noor Wijnaldum",
        "nickname": "Noortje",
        "class_label": "groep 8b",
        "accounts": ["@noor_w2014"],
    },
    "StaffAccessGranted": {"staff_id": "u-mees"},
    "StaffAccessRevoked": {"staff_id": "u-mees"},
    "NoteAdded": {"text": "Kevin Brouwersma is een week geschorst"},
    "LetterRequested": {
        "letter": "ouders_klas",
        "group": "Ouders groep 8b",
        "recipients": ["ouder.een@voorbeeld.invalid"],
        "statement": {"what_we_do": "Wij werken samen met de politie."},
        "language": "nl",
    },
    "LetterProposed": {
        "letter": "ouders_alle",
        "group": "Alle ouders",
        "recipients": [f"ouder{n}@voorbeeld.invalid" for n in range(31)],
        "statement": {"what_we_do": "Wij werken samen met de politie."},
        "language": "en",
    },
    # Last, and holding back only staff, so that recording every example in turn (and a letter
    # to all parents after them) goes against no agreement.
    "AgreementsRecorded": {
        "not_yet_told": ["medewerkers"],
        "who_may_know": "haar mentor en de vertrouwenspersoon",
        "pace": "eerst een week rust",
        "buddies": "twee vriendinnen uit de klas",
        "other": "",
    },
    "AgreementSetAside": {
        "agreement_version": 2,
        "for_action": "GroupInformed",
        "audiences": ["medewerkers"],
        "reason": "het team moet weten hoe het vragen beantwoordt",
    },
    "SafetyRiskFlagged": {"source": "leerling", "explanation": "de leerling is bang voor haar broer"},
    "SafetyRiskLifted": {"reason": "na overleg met Veilig Thuis is het veilig"},
    "NoRiskAtHomeFound": {"reason": "de leerling is bang voor straf, niet voor geweld; moeder steunt haar"},
}
# A takedown request and its outcome come last: the outcome names the request by its version,
# which is its place in this list plus one (the incident's opening is version 1).
ACTIONS["TakedownRequested"] = {
    "channel_kind": "account",
    "channel": "@noor.wijnaldum.08",
    "platform": "instagram",
    "route": "platform",
    "reference": "IG-2026-4471",
    "reported_on": "2026-12-02",
}
ACTIONS["TakedownOutcomeRecorded"] = {
    "request_version": len(ACTIONS) + 1,
    "outcome": "verwijderd",
    "notes": "Instagram bevestigde per mail",
}
