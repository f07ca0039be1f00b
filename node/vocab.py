"""Every controlled vocabulary of an alert, with its English labels, in one place.

Codes are the stable identifiers that travel in the federated ``alert``
extension (see ``docs/vocabulary.md``); labels are for people and will get
translations here later, which is why every lookup goes through :func:`label`
with a ``language`` argument even though only English exists today.

Sources (see ``/work/shared/docs/domain.md`` section 7.3):

* ``ALERT_TYPES``: IFEX practice, with CAP semantics for linking.
* ``CATEGORIES``: the Council of Europe Platform's five categories, with the
  platform's wording applied to anyone exercising expression.
* ``ACT_TYPES``: a short list derived from MISA, SEAPA, MMF, RSF and CPJ,
  each term mapped to HURIDOCS *Types of Acts* (micro-thesaurus 4).
* ``PERPETRATOR_TYPES``: derived from HURIDOCS *Types of Perpetrators*
  (micro-thesaurus 24), top two levels, each collapsed to a CoE-style
  ``source_of_threat``.
* ``DATE_PRECISIONS``: HURIDOCS *Types of Dates* (micro-thesaurus 48) plus
  ``exact``.
* ``COUNTRIES``: ISO 3166-1 alpha-2 (plus ``XK`` Kosovo, a user-assigned code
  in general use), each with its IFEX region.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import NamedTuple


class Term(NamedTuple):
    """One entry of a simple vocabulary."""

    label: str
    description: str = ""
    huridocs: str | None = None


class ActType(NamedTuple):
    """A second-level act type under one of the five categories."""

    label: str
    parent: str | None  # a CATEGORIES code; None means "any category"
    huridocs: tuple[str, ...]  # HURIDOCS micro-thesaurus 4 codes (12 digits)
    note: str = ""  # how close the mapping is, or where else to look


class PerpetratorType(NamedTuple):
    label: str
    source_of_threat: str  # a SOURCES_OF_THREAT code
    huridocs: str | None  # HURIDOCS micro-thesaurus 24 code, when one fits
    description: str = ""


class Country(NamedTuple):
    name: str  # English short name in common use
    region: str | None  # a REGIONS code; None only for Antarctica

    @property
    def label(self) -> str:
        return self.name


ALERT_TYPES: dict[str, Term] = {
    "alert": Term("Alert", "First report of a case."),
    "update": Term("Update", "A new development; follows the previous alert, same case."),
    "statement": Term("Statement", "A member's press release or position; may open or join a case."),
    "joint_action": Term("Joint action", "A letter or statement signed by several organisations."),
    "report": Term("Report", "A longer publication: mission report, country report, case capsule."),
    "victory": Term("Victory", "A positive outcome: release, acquittal, law withdrawn."),
    "correction": Term("Correction", "Supersedes an earlier alert (CAP Update)."),
    "retraction": Term("Retraction", "Withdraws an earlier alert (CAP Cancel)."),
}

CATEGORIES: dict[str, Term] = {
    "physical_safety": Term(
        "Attacks on physical safety and integrity",
        "Killings, abductions, threats and violence against journalists and others exercising "
        "expression, their families and sources.",
    ),
    "detention": Term(
        "Detention and imprisonment",
        "Arbitrary or politically motivated arrest, detention and imprisonment.",
    ),
    "harassment": Term(
        "Harassment and intimidation",
        "Harassment, damage to property, vindictive administrative measures, denial of access, "
        "online harassment, judicial and political intimidation.",
    ),
    "impunity": Term(
        "Impunity",
        "Failure to investigate and prosecute crimes against media actors promptly, "
        "independently and effectively.",
    ),
    "chilling_effect": Term(
        "Other acts having chilling effects",
        "Restrictive legislation, censorship, interference with editorial freedom, threats to "
        "the confidentiality of sources.",
    ),
}

ACT_TYPES: dict[str, ActType] = {
    "killed": ActType("Killed", "physical_safety", ("010101000000",), "deliberate killing"),
    "attempted_killing": ActType("Attempted killing", "physical_safety", ("010109000000",)),
    "abducted": ActType("Abducted or kidnapped", "physical_safety", ("030104000000",)),
    "disappeared_missing": ActType("Disappeared or missing", "physical_safety", ("030103000000",)),
    "physically_attacked": ActType(
        "Physically attacked", "physical_safety", ("020101000000",), "physical assault"
    ),
    "sexual_violence": ActType("Sexual violence", "physical_safety", ("020102000000",)),
    "threatened": ActType("Threatened", "harassment", ("020103000000",), "psychological assault, harassment"),
    "harassed_online": ActType("Harassed online", "harassment", ("020103000000",)),
    "property_attacked": ActType(
        "Property attacked (bombed, raided, equipment seized)",
        "harassment",
        ("130103000000", "120102000000"),
        "destruction; raid",
    ),
    "surveillance": ActType("Put under surveillance", "harassment", ("120104000000",)),
    "arrested_detained": ActType(
        "Arrested or detained", "detention", ("030101000000", "030102000000"), "arrest; detention"
    ),
    "imprisoned_sentenced": ActType(
        "Imprisoned or sentenced",
        "detention",
        ("030102000000",),
        "plus status as victim 'serving sentence' (micro-thesaurus 25)",
    ),
    "legal_action": ActType(
        "Legal action (criminal or civil charges, SLAPP, defamation suit)",
        "harassment",
        ("140101000000", "350100000000"),
        "approximate: defamation; rights of accused persons",
    ),
    "censored": ActType("Censored", "chilling_effect", ("100101000000",)),
    "publication_banned_or_outlet_closed": ActType(
        "Publication banned or outlet closed", "chilling_effect", ("100102000000", "100103000000")
    ),
    "broadcast_jammed_or_site_blocked": ActType(
        "Broadcast jammed or website blocked",
        "chilling_effect",
        ("090101000000",),
        "nearest term: withholding of information",
    ),
    "internet_shutdown": ActType(
        "Internet shutdown",
        "chilling_effect",
        ("090101000000",),
        "nearest term; HURIDOCS 2001 has none closer",
    ),
    "expelled_or_denied_entry": ActType(
        "Expelled or denied entry",
        "harassment",
        ("050102000000", "050106000000"),
        "exile; restriction on travel",
    ),
    "denied_access_or_accreditation": ActType(
        "Denied access or accreditation", "harassment", ("090101000000",), "nearest term"
    ),
    "dismissed_from_employment": ActType(
        "Dismissed from employment",
        "harassment",
        (),
        "no act code; status as victim 200200000000 (micro-thesaurus 25)",
    ),
    "restrictive_legislation": ActType(
        "Restrictive legislation", "chilling_effect", ("102100000000",), "expression violated by legislation"
    ),
    "impunity": ActType("Impunity", "impunity", (), "no act code; record the outcome on the case"),
    "other": ActType("Other", None, ("900000000000",)),
}

TARGET_KINDS: dict[str, Term] = {
    "individual": Term("Individual"),
    "group": Term("Group of people"),
    "media_outlet": Term("Media outlet", "Newspaper, radio or TV station, news website."),
    "publication_or_work": Term("Publication or work", "Book, article, film, song, artwork."),
    "organisation": Term("Organisation"),
    "website_or_account": Term("Website or online account"),
    "activity": Term("Activity", "Event, meeting, performance, broadcast."),
}

PROFESSIONS: dict[str, Term] = {
    "journalist": Term("Journalist"),
    "editor": Term("Editor"),
    "reporter": Term("Reporter"),
    "photographer": Term("Photographer"),
    "camera_operator": Term("Camera operator"),
    "presenter": Term("Presenter"),
    "media_worker": Term("Media worker"),
    "publisher": Term("Publisher"),
    "newspaper_vendor": Term("Newspaper vendor"),
    "cartoonist": Term("Cartoonist"),
    "writer": Term("Writer"),
    "poet": Term("Poet"),
    "artist": Term("Artist"),
    "musician": Term("Musician"),
    "filmmaker": Term("Filmmaker"),
    "academic": Term("Academic"),
    "student": Term("Student"),
    "librarian": Term("Librarian"),
    "blogger": Term("Blogger"),
    "internet_user": Term("Internet user"),
    "human_rights_defender": Term("Human rights defender"),
    "lawyer": Term("Lawyer"),
    "activist": Term("Activist"),
    "other": Term("Other"),
}

SOURCES_OF_THREAT: dict[str, Term] = {
    "state": Term("State"),
    "non_state": Term("Non-state"),
    "unknown": Term("Unknown"),
}

# HURIDOCS micro-thesaurus 24: 01 Governmental entities (0101 Executive, 0102
# Legislative, 0103 Judiciary); 02 Non-governmental entities (0201
# Pro-government forces, 0202 Opposition forces, 0290 Other non-governmental
# forces involved in conflicts); 03 Occupying forces; then private actors and
# unknown. Executive is split in two because "the police" and "a minister" are
# the distinction alert readers need; both map to 0101.
PERPETRATOR_TYPES: dict[str, PerpetratorType] = {
    "government_official": PerpetratorType(
        "Government officials", "state", "010100000000", "National or local officials, ministries."
    ),
    "security_forces": PerpetratorType(
        "Security forces", "state", "010100000000", "Police, armed forces, intelligence, prison staff."
    ),
    "legislature": PerpetratorType("Legislature", "state", "010200000000", "Parliament, legislators."),
    "judiciary": PerpetratorType("Judiciary", "state", "010300000000", "Courts and judges."),
    "occupying_forces": PerpetratorType("Occupying forces", "state", "030000000000"),
    "pro_government_group": PerpetratorType(
        "Pro-government armed group", "non_state", "020100000000", "Paramilitaries, vigilantes, death squads."
    ),
    "opposition_group": PerpetratorType(
        "Opposition armed group", "non_state", "020200000000", "Guerrillas, insurgents."
    ),
    "other_armed_group": PerpetratorType(
        "Other armed group", "non_state", "029000000000", "Other non-governmental forces in a conflict."
    ),
    "criminal_group": PerpetratorType("Criminal group", "non_state", None, "Organised crime, cartels."),
    "private_individual": PerpetratorType("Private individuals", "non_state", None, "Including mobs."),
    "company": PerpetratorType("Company", "non_state", None, "Owners, employers, private security."),
    "unknown": PerpetratorType("Unknown", "unknown", None),
}

DATE_PRECISIONS: dict[str, Term] = {
    "exact": Term("Exact date"),
    "estimate": Term("Estimate", huridocs="01"),
    "unknown_day": Term("Day unknown", huridocs="02"),
    "unknown_month_and_day": Term("Month and day unknown", huridocs="03"),
}

REGIONS: dict[str, Term] = {
    "africa": Term("Africa"),
    "americas": Term("Americas"),
    "asia_pacific": Term("Asia and the Pacific"),
    "europe_central_asia": Term("Europe and Central Asia"),
    "mena": Term("Middle East and North Africa"),
}

# Regions follow UN M49 geography: sub-Saharan Africa -> africa; North Africa
# (incl. Sudan, Western Sahara), the Arab states of Western Asia, Israel and
# Iran -> mena; Europe, the Caucasus, Turkey, Cyprus and Central Asia ->
# europe_central_asia; the rest of Asia and Oceania -> asia_pacific; the
# Americas (incl. Greenland and the South Atlantic islands) -> americas.
COUNTRIES: dict[str, Country] = {
    "AD": Country("Andorra", "europe_central_asia"),
    "AE": Country("United Arab Emirates", "mena"),
    "AF": Country("Afghanistan", "asia_pacific"),
    "AG": Country("Antigua and Barbuda", "americas"),
    "AI": Country("Anguilla", "americas"),
    "AL": Country("Albania", "europe_central_asia"),
    "AM": Country("Armenia", "europe_central_asia"),
    "AO": Country("Angola", "africa"),
    "AQ": Country("Antarctica", None),
    "AR": Country("Argentina", "americas"),
    "AS": Country("American Samoa", "asia_pacific"),
    "AT": Country("Austria", "europe_central_asia"),
    "AU": Country("Australia", "asia_pacific"),
    "AW": Country("Aruba", "americas"),
    "AX": Country("Åland Islands", "europe_central_asia"),
    "AZ": Country("Azerbaijan", "europe_central_asia"),
    "BA": Country("Bosnia and Herzegovina", "europe_central_asia"),
    "BB": Country("Barbados", "americas"),
    "BD": Country("Bangladesh", "asia_pacific"),
    "BE": Country("Belgium", "europe_central_asia"),
    "BF": Country("Burkina Faso", "africa"),
    "BG": Country("Bulgaria", "europe_central_asia"),
    "BH": Country("Bahrain", "mena"),
    "BI": Country("Burundi", "africa"),
    "BJ": Country("Benin", "africa"),
    "BL": Country("Saint Barthélemy", "americas"),
    "BM": Country("Bermuda", "americas"),
    "BN": Country("Brunei", "asia_pacific"),
    "BO": Country("Bolivia", "americas"),
    "BQ": Country("Bonaire, Sint Eustatius and Saba", "americas"),
    "BR": Country("Brazil", "americas"),
    "BS": Country("Bahamas", "americas"),
    "BT": Country("Bhutan", "asia_pacific"),
    "BV": Country("Bouvet Island", "americas"),
    "BW": Country("Botswana", "africa"),
    "BY": Country("Belarus", "europe_central_asia"),
    "BZ": Country("Belize", "americas"),
    "CA": Country("Canada", "americas"),
    "CC": Country("Cocos (Keeling) Islands", "asia_pacific"),
    "CD": Country("Democratic Republic of the Congo", "africa"),
    "CF": Country("Central African Republic", "africa"),
    "CG": Country("Republic of the Congo", "africa"),
    "CH": Country("Switzerland", "europe_central_asia"),
    "CI": Country("Côte d'Ivoire", "africa"),
    "CK": Country("Cook Islands", "asia_pacific"),
    "CL": Country("Chile", "americas"),
    "CM": Country("Cameroon", "africa"),
    "CN": Country("China", "asia_pacific"),
    "CO": Country("Colombia", "americas"),
    "CR": Country("Costa Rica", "americas"),
    "CU": Country("Cuba", "americas"),
    "CV": Country("Cabo Verde", "africa"),
    "CW": Country("Curaçao", "americas"),
    "CX": Country("Christmas Island", "asia_pacific"),
    "CY": Country("Cyprus", "europe_central_asia"),
    "CZ": Country("Czechia", "europe_central_asia"),
    "DE": Country("Germany", "europe_central_asia"),
    "DJ": Country("Djibouti", "africa"),
    "DK": Country("Denmark", "europe_central_asia"),
    "DM": Country("Dominica", "americas"),
    "DO": Country("Dominican Republic", "americas"),
    "DZ": Country("Algeria", "mena"),
    "EC": Country("Ecuador", "americas"),
    "EE": Country("Estonia", "europe_central_asia"),
    "EG": Country("Egypt", "mena"),
    "EH": Country("Western Sahara", "mena"),
    "ER": Country("Eritrea", "africa"),
    "ES": Country("Spain", "europe_central_asia"),
    "ET": Country("Ethiopia", "africa"),
    "FI": Country("Finland", "europe_central_asia"),
    "FJ": Country("Fiji", "asia_pacific"),
    "FK": Country("Falkland Islands (Malvinas)", "americas"),
    "FM": Country("Micronesia", "asia_pacific"),
    "FO": Country("Faroe Islands", "europe_central_asia"),
    "FR": Country("France", "europe_central_asia"),
    "GA": Country("Gabon", "africa"),
    "GB": Country("United Kingdom", "europe_central_asia"),
    "GD": Country("Grenada", "americas"),
    "GE": Country("Georgia", "europe_central_asia"),
    "GF": Country("French Guiana", "americas"),
    "GG": Country("Guernsey", "europe_central_asia"),
    "GH": Country("Ghana", "africa"),
    "GI": Country("Gibraltar", "europe_central_asia"),
    "GL": Country("Greenland", "americas"),
    "GM": Country("Gambia", "africa"),
    "GN": Country("Guinea", "africa"),
    "GP": Country("Guadeloupe", "americas"),
    "GQ": Country("Equatorial Guinea", "africa"),
    "GR": Country("Greece", "europe_central_asia"),
    "GS": Country("South Georgia and the South Sandwich Islands", "americas"),
    "GT": Country("Guatemala", "americas"),
    "GU": Country("Guam", "asia_pacific"),
    "GW": Country("Guinea-Bissau", "africa"),
    "GY": Country("Guyana", "americas"),
    "HK": Country("Hong Kong", "asia_pacific"),
    "HM": Country("Heard Island and McDonald Islands", "asia_pacific"),
    "HN": Country("Honduras", "americas"),
    "HR": Country("Croatia", "europe_central_asia"),
    "HT": Country("Haiti", "americas"),
    "HU": Country("Hungary", "europe_central_asia"),
    "ID": Country("Indonesia", "asia_pacific"),
    "IE": Country("Ireland", "europe_central_asia"),
    "IL": Country("Israel", "mena"),
    "IM": Country("Isle of Man", "europe_central_asia"),
    "IN": Country("India", "asia_pacific"),
    "IO": Country("British Indian Ocean Territory", "africa"),
    "IQ": Country("Iraq", "mena"),
    "IR": Country("Iran", "mena"),
    "IS": Country("Iceland", "europe_central_asia"),
    "IT": Country("Italy", "europe_central_asia"),
    "JE": Country("Jersey", "europe_central_asia"),
    "JM": Country("Jamaica", "americas"),
    "JO": Country("Jordan", "mena"),
    "JP": Country("Japan", "asia_pacific"),
    "KE": Country("Kenya", "africa"),
    "KG": Country("Kyrgyzstan", "europe_central_asia"),
    "KH": Country("Cambodia", "asia_pacific"),
    "KI": Country("Kiribati", "asia_pacific"),
    "KM": Country("Comoros", "africa"),
    "KN": Country("Saint Kitts and Nevis", "americas"),
    "KP": Country("North Korea", "asia_pacific"),
    "KR": Country("South Korea", "asia_pacific"),
    "KW": Country("Kuwait", "mena"),
    "KY": Country("Cayman Islands", "americas"),
    "KZ": Country("Kazakhstan", "europe_central_asia"),
    "LA": Country("Laos", "asia_pacific"),
    "LB": Country("Lebanon", "mena"),
    "LC": Country("Saint Lucia", "americas"),
    "LI": Country("Liechtenstein", "europe_central_asia"),
    "LK": Country("Sri Lanka", "asia_pacific"),
    "LR": Country("Liberia", "africa"),
    "LS": Country("Lesotho", "africa"),
    "LT": Country("Lithuania", "europe_central_asia"),
    "LU": Country("Luxembourg", "europe_central_asia"),
    "LV": Country("Latvia", "europe_central_asia"),
    "LY": Country("Libya", "mena"),
    "MA": Country("Morocco", "mena"),
    "MC": Country("Monaco", "europe_central_asia"),
    "MD": Country("Moldova", "europe_central_asia"),
    "ME": Country("Montenegro", "europe_central_asia"),
    "MF": Country("Saint Martin (French part)", "americas"),
    "MG": Country("Madagascar", "africa"),
    "MH": Country("Marshall Islands", "asia_pacific"),
    "MK": Country("North Macedonia", "europe_central_asia"),
    "ML": Country("Mali", "africa"),
    "MM": Country("Myanmar", "asia_pacific"),
    "MN": Country("Mongolia", "asia_pacific"),
    "MO": Country("Macao", "asia_pacific"),
    "MP": Country("Northern Mariana Islands", "asia_pacific"),
    "MQ": Country("Martinique", "americas"),
    "MR": Country("Mauritania", "africa"),
    "MS": Country("Montserrat", "americas"),
    "MT": Country("Malta", "europe_central_asia"),
    "MU": Country("Mauritius", "africa"),
    "MV": Country("Maldives", "asia_pacific"),
    "MW": Country("Malawi", "africa"),
    "MX": Country("Mexico", "americas"),
    "MY": Country("Malaysia", "asia_pacific"),
    "MZ": Country("Mozambique", "africa"),
    "NA": Country("Namibia", "africa"),
    "NC": Country("New Caledonia", "asia_pacific"),
    "NE": Country("Niger", "africa"),
    "NF": Country("Norfolk Island", "asia_pacific"),
    "NG": Country("Nigeria", "africa"),
    "NI": Country("Nicaragua", "americas"),
    "NL": Country("Netherlands", "europe_central_asia"),
    "NO": Country("Norway", "europe_central_asia"),
    "NP": Country("Nepal", "asia_pacific"),
    "NR": Country("Nauru", "asia_pacific"),
    "NU": Country("Niue", "asia_pacific"),
    "NZ": Country("New Zealand", "asia_pacific"),
    "OM": Country("Oman", "mena"),
    "PA": Country("Panama", "americas"),
    "PE": Country("Peru", "americas"),
    "PF": Country("French Polynesia", "asia_pacific"),
    "PG": Country("Papua New Guinea", "asia_pacific"),
    "PH": Country("Philippines", "asia_pacific"),
    "PK": Country("Pakistan", "asia_pacific"),
    "PL": Country("Poland", "europe_central_asia"),
    "PM": Country("Saint Pierre and Miquelon", "americas"),
    "PN": Country("Pitcairn", "asia_pacific"),
    "PR": Country("Puerto Rico", "americas"),
    "PS": Country("Palestine", "mena"),
    "PT": Country("Portugal", "europe_central_asia"),
    "PW": Country("Palau", "asia_pacific"),
    "PY": Country("Paraguay", "americas"),
    "QA": Country("Qatar", "mena"),
    "RE": Country("Réunion", "africa"),
    "RO": Country("Romania", "europe_central_asia"),
    "RS": Country("Serbia", "europe_central_asia"),
    "RU": Country("Russia", "europe_central_asia"),
    "RW": Country("Rwanda", "africa"),
    "SA": Country("Saudi Arabia", "mena"),
    "SB": Country("Solomon Islands", "asia_pacific"),
    "SC": Country("Seychelles", "africa"),
    "SD": Country("Sudan", "mena"),
    "SE": Country("Sweden", "europe_central_asia"),
    "SG": Country("Singapore", "asia_pacific"),
    "SH": Country("Saint Helena, Ascension and Tristan da Cunha", "africa"),
    "SI": Country("Slovenia", "europe_central_asia"),
    "SJ": Country("Svalbard and Jan Mayen", "europe_central_asia"),
    "SK": Country("Slovakia", "europe_central_asia"),
    "SL": Country("Sierra Leone", "africa"),
    "SM": Country("San Marino", "europe_central_asia"),
    "SN": Country("Senegal", "africa"),
    "SO": Country("Somalia", "africa"),
    "SR": Country("Suriname", "americas"),
    "SS": Country("South Sudan", "africa"),
    "ST": Country("Sao Tome and Principe", "africa"),
    "SV": Country("El Salvador", "americas"),
    "SX": Country("Sint Maarten (Dutch part)", "americas"),
    "SY": Country("Syria", "mena"),
    "SZ": Country("Eswatini", "africa"),
    "TC": Country("Turks and Caicos Islands", "americas"),
    "TD": Country("Chad", "africa"),
    "TF": Country("French Southern Territories", "africa"),
    "TG": Country("Togo", "africa"),
    "TH": Country("Thailand", "asia_pacific"),
    "TJ": Country("Tajikistan", "europe_central_asia"),
    "TK": Country("Tokelau", "asia_pacific"),
    "TL": Country("Timor-Leste", "asia_pacific"),
    "TM": Country("Turkmenistan", "europe_central_asia"),
    "TN": Country("Tunisia", "mena"),
    "TO": Country("Tonga", "asia_pacific"),
    "TR": Country("Turkey", "europe_central_asia"),
    "TT": Country("Trinidad and Tobago", "americas"),
    "TV": Country("Tuvalu", "asia_pacific"),
    "TW": Country("Taiwan", "asia_pacific"),
    "TZ": Country("Tanzania", "africa"),
    "UA": Country("Ukraine", "europe_central_asia"),
    "UG": Country("Uganda", "africa"),
    "UM": Country("United States Minor Outlying Islands", "asia_pacific"),
    "US": Country("United States", "americas"),
    "UY": Country("Uruguay", "americas"),
    "UZ": Country("Uzbekistan", "europe_central_asia"),
    "VA": Country("Holy See (Vatican City)", "europe_central_asia"),
    "VC": Country("Saint Vincent and the Grenadines", "americas"),
    "VE": Country("Venezuela", "americas"),
    "VG": Country("British Virgin Islands", "americas"),
    "VI": Country("U.S. Virgin Islands", "americas"),
    "VN": Country("Vietnam", "asia_pacific"),
    "VU": Country("Vanuatu", "asia_pacific"),
    "WF": Country("Wallis and Futuna", "asia_pacific"),
    "WS": Country("Samoa", "asia_pacific"),
    "XK": Country("Kosovo", "europe_central_asia"),
    "YE": Country("Yemen", "mena"),
    "YT": Country("Mayotte", "africa"),
    "ZA": Country("South Africa", "africa"),
    "ZM": Country("Zambia", "africa"),
    "ZW": Country("Zimbabwe", "africa"),
}

# Hashtags are CamelCase of the country name; these names would make a poor
# or overlong tag, so the tag uses the name people actually follow.
COUNTRY_HASHTAGS: dict[str, str] = {
    "BQ": "CaribbeanNetherlands",
    "CC": "CocosIslands",
    "CD": "DRCongo",
    "FK": "FalklandIslands",
    "GS": "SouthGeorgia",
    "HM": "HeardIsland",
    "MF": "SaintMartin",
    "SH": "SaintHelena",
    "SX": "SintMaarten",
    "UM": "USMinorOutlyingIslands",
    "VA": "VaticanCity",
}

# Fixed phrases that we write into a Note around the alert's own text.
PHRASES: dict[str, Term] = {
    "what_you_can_do": Term("What you can do"),
    "send_appeals_to": Term("Send your appeal to:"),
    "email": Term("Email"),
    "fax": Term("Fax"),
    "act_before": Term("Please act before {date}."),
    # a joint statement's Note (node.activitypub.joint), in each of its languages
    "joint_to": Term("To:"),
    "joint_we_ask": Term("We ask:"),
    "joint_about": Term("About:"),
    "joint_until": Term("Signatures until {date}."),
    "joint_signed_none": Term("Signed by 0 organisations."),
    "joint_signed_one": Term("Signed by 1 organisation:"),
    "joint_signed_many": Term("Signed by {n} organisations:"),
}

MONTHS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

ALL: dict[str, Mapping[str, object]] = {
    "ALERT_TYPES": ALERT_TYPES,
    "CATEGORIES": CATEGORIES,
    "ACT_TYPES": ACT_TYPES,
    "TARGET_KINDS": TARGET_KINDS,
    "PROFESSIONS": PROFESSIONS,
    "SOURCES_OF_THREAT": SOURCES_OF_THREAT,
    "PERPETRATOR_TYPES": PERPETRATOR_TYPES,
    "DATE_PRECISIONS": DATE_PRECISIONS,
    "REGIONS": REGIONS,
    "COUNTRIES": COUNTRIES,
}


def label(vocab: Mapping[str, object], code: str, language: str = "en") -> str:
    """The human label of ``code`` in ``vocab``, in ``language`` where a translation exists.

    Translations are the interface catalogs (``node/locales``, see ``node.i18n``:
    French and Arabic today); any other ``language`` falls back to English.
    Raises ``KeyError`` for a code that is not in the vocabulary (validate
    input before rendering it).
    """
    entry = vocab[code]
    text = entry if isinstance(entry, str) else entry.label  # type: ignore[attr-defined]
    if language and language.split("-")[0].lower() != "en":
        from node.i18n import gettext, primary

        return gettext(primary(language), text)
    return text


def codes(vocab: Mapping[str, object]) -> tuple[str, ...]:
    """The codes of ``vocab`` in their documented order."""
    return tuple(vocab)


_FOLD = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i",
})  # fmt: skip


def hashtag_name(text: str) -> str:
    """``text`` as a CamelCase, ASCII-only hashtag name (without ``#``).

    ``"Côte d'Ivoire"`` gives ``"CoteDIvoire"``, ``"physical safety"`` gives
    ``"PhysicalSafety"``. Mastodon folds tags the same way when it matches
    them (NFKC, ASCII folding, letters and digits only), so the tag we send
    and the one people follow compare equal.
    """
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    words = re.split(r"[^A-Za-z0-9]+", ascii_text)
    return "".join(word[:1].upper() + word[1:] for word in words if word)


def country_hashtag(code: str) -> str:
    """The hashtag name for a country code, e.g. ``"TR"`` -> ``"Turkey"``."""
    return COUNTRY_HASHTAGS.get(code) or hashtag_name(COUNTRIES[code].name)


def category_hashtag(code: str) -> str:
    """The hashtag name for a category code, e.g. ``"physical_safety"`` -> ``"PhysicalSafety"``."""
    if code not in CATEGORIES:
        raise KeyError(code)
    return hashtag_name(code.replace("_", " "))


def format_date(iso_date: str, language: str = "en") -> str:
    """``"2026-12-04"`` as ``"4 December 2026"``; in ``language``'s own form for other languages (CLDR)."""
    year, month, day = (int(part) for part in iso_date.split("-"))
    if language and language.split("-")[0].lower() != "en":
        from node.i18n import format_partial_date

        return format_partial_date(iso_date, language)
    return f"{day} {MONTHS[month - 1]} {year}"
