"""Do two reports name the same person? Names across spellings, scripts and aliases.

A name is reduced to a *key* (stored with each indexed alert, ``IndexedAlert.target_keys``):
titles and honorifics dropped (Dr., Sheikh, Mme, الشيخ, دکتر…), the Arabic article dropped
where it stands apart (al-, el-, ad-…), name particles glued to the name they introduce
(Abu Akleh, bin Laden, Abd el-Fattah → one token ``abd…``), Hanzi turned into pinyin with
the family name apart (``pypinyin``), Arabic-script (Arabic, Persian, Urdu, Kurdish) and
Hebrew words kept in their script (normalised), every other script transliterated to ASCII
(``anyascii``; Turkish, Azerbaijani and Ukrainian letters first as those languages read
them). Tokens keep their order.

Two keys match when every token of the shorter name matches a distinct token of the longer
(at least two tokens, unless both are one word), or when the names written as one word
match (Nasreddin / Nasr ad-Din, Xi Jin-ping / Xi Jinping). Tokens match:

* Latin / Latin: the same consonant skeleton (sh = s, ch = c, kh = h, q = k, final d = t,
  doubled letters single…) and compatible vowels: a short vowel may differ once in a word
  of three or more consonants (Youssef / Yusuf), a long vowel or diphthong (ou, ee, ei,
  ay…) must correspond (Hassan ≠ Hussein, Mohamed ≠ Mahmoud), a word may not gain a final
  vowel (Mohammad ≠ Mohammadi). Two pinyin words must be equal (Zhang ≠ Zheng).
* Abjad / Latin: the abjad word becomes a pattern over Latin spellings: each consonant by
  its usual transliterations (ق q/k/g, ج j/g, ش sh/ch/s…), unwritten short vowels optional
  but never a long vowel (سعد is Saad, not Saeed), written long vowels required (حسين wants
  an i/ee/ei/ay where حسن has none), the article optional.
* Abjad / abjad: equal after normalising letter variants.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from datetime import date
from functools import lru_cache

DATE_WINDOW_DAYS = 7
MAX_NAME_CHARS = 160  # a longer name is cut: a person's name, not a text (bounds the work per alert)
MAX_WORDS = 10

# --- titles, articles, particles --------------------------------------------------------

_TITLES = {  # dropped before a name
    # Latin (after transliteration, lower case, dots dropped)
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sheikh", "shaikh", "shaykh", "cheikh",
    "sheikha", "sayyid", "sayyed", "seyed", "seyyed", "hajj", "haj", "hajji", "mullah", "ayatollah",
    "hojatoleslam", "eng", "ustadh", "ustaz", "mme", "mlle", "madame", "monsieur", "m", "sir", "dame",
    "rev", "fr", "sr", "sra", "srta", "herr", "frau", "gospodin", "gospozha", "mx", "lady", "lord",
    # Arabic script (normalised: alef and yeh variants unified)
    "الشيخ", "شيخ", "الشيخه", "الدكتور", "الدكتوره", "دكتور", "د", "السيد", "السيده", "الاستاذ",
    "الاستاذه", "استاذ", "المهندس", "الحاج", "الحاجه", "دكتر", "اقاي", "اقا", "خانم", "مهندس", "جناب",
    "حجتالاسلام", "ايتالله", "سيد", "سيده",
    # Hebrew
    "דר", "מר", "גב",
}
_TRAILING_TITLES = {"bey", "hanim", "efendi", "pasha", "khanum", "sahib", "saheb", "خانم", "صاحب"}
_ARTICLE_WORDS = {"al", "el", "ul", "ol", "il"}
_ARTICLE_PREFIX = re.compile(  # al-Hassan, el-Kadi; ad-Din, ash-Sharif, ar-Rahman (assimilated before its letter)
    r"(?<![^\s,(])(?:[ae]l|ul|[aeu](sh|th|dh|[dstzrn]))[-‘’'`ʼ](?(1)(?=\1))", re.IGNORECASE)
_LATIN_PARTICLES = {"abu": "abu", "abou": "abu", "abo": "abu", "bin": "bin", "ibn": "bin",
                    "bint": "bint", "binti": "bint", "ould": "ould"}
_LATIN_ABD = {"abd", "abdel", "abdul", "abdal", "abdol", "abdil", "abdur", "abdus", "abder", "abdes", "abdoul"}
_ABD_GLUED = re.compile(r"^abd(?:[aeiou]l|[aeiou](?=[a-z]{3}))?([a-z]{2,})$")
_ARABIC_PARTICLES = {"ابو", "ابن", "بن", "بنت", "عبد"}
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_SURNAME = {"单": "shan", "單": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao",
                "查": "zha", "区": "ou", "區": "ou", "覃": "qin", "盖": "ge", "蓋": "ge", "乐": "yue",
                "樂": "yue", "缪": "miao", "繆": "miao", "翟": "zhai", "尉": "yu", "万": "wan", "沈": "shen",
                "长": "chang", "長": "chang", "重": "chong", "种": "chong", "秘": "bi", "冼": "xian"}
_CJK_COMPOUND = {"欧阳", "歐陽", "司马", "司馬", "上官", "诸葛", "諸葛", "东方", "東方", "慕容", "令狐",
                 "皇甫", "尉迟", "尉遲", "公孙", "公孫", "长孙", "長孫", "宇文", "司徒", "夏侯", "轩辕",
                 "軒轅", "端木", "西门", "西門", "南宫", "南宮"}

# --- scripts ----------------------------------------------------------------------------

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_HEBREW_MARKS = re.compile("[\u0591-\u05bd\u05bf-\u05c7]")  # points and accents (not the maqaf, a hyphen)
_ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ی": "ي", "ې": "ي", "ے": "ي", "ۍ": "ي", "ک": "ك",
    "ڪ": "ك", "ۀ": "ه", "ہ": "ه", "ۂ": "ه", "ھ": "ه", "ۃ": "ة", "ٹ": "ت", "ڈ": "د", "ڑ": "ر", "ڕ": "ر",
    "ں": "ن", "ڵ": "ل", "ۆ": "و", "ۇ": "و", "ۋ": "و", "ە": "ه", "ئ": "ء", "ؤ": "ء", "ٲ": "ا",
})
_HEBREW_FINALS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})


def _script(token: str) -> str:
    for ch in token:
        o = ord(ch)
        if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFEFF:
            return "arabic"
        if 0x05D0 <= o <= 0x05EA or 0xFB1D <= o <= 0xFB4F:
            return "hebrew"
    return "latin"


_AZ_LETTERS = re.compile("[əƏ]|(?=.*[qQxX])(?=.*[ıİşŞçÇğĞöÖüÜ])")
_AZ_MAP = str.maketrans({"ə": "a", "Ə": "A", "x": "kh", "X": "Kh", "c": "j", "C": "J", "ç": "ch", "Ç": "Ch",
                         "ş": "sh", "Ş": "Sh", "q": "g", "Q": "G", "ğ": "gh", "Ğ": "Gh"})
_UK_LETTERS = re.compile("[іїєґўІЇЄҐЎ]")
_UK_MAP = str.maketrans({"г": "h", "Г": "H", "и": "y", "И": "Y", "Є": "Ye", "є": "ie", "ґ": "g", "Ґ": "G"})


def _pinyin(han: str) -> str:
    """Hanzi as pinyin words: the family name (compound surnames too), then the given name."""
    # A name is read character by character (surnames by _CJK_SURNAME): pypinyin's phrase
    # dictionary is not needed, and skipping it saves about 45 MB and 0.3 s on first use.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
    from pypinyin import Style, lazy_pinyin

    if len(han) >= 3 and han[:2] in _CJK_COMPOUND:
        family, given = han[:2], han[2:]
    else:
        family, given = han[:1], han[1:]
    words = [_CJK_SURNAME.get(family) or "".join(lazy_pinyin(family, style=Style.NORMAL, v_to_u=True))]
    if given:
        words.append("".join(lazy_pinyin(given, style=Style.NORMAL, v_to_u=True)))
    return " " + " ".join(words) + " "


def _raw_tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKC", name or "")  # also Arabic presentation forms, full-width letters
    for mark in ("\u200c", "·", "・", "\u05be"):  # Persian zero-width non-joiner, name dots, Hebrew maqaf
        text = text.replace(mark, " ")
    text = _HEBREW_MARKS.sub("", _ARABIC_MARKS.sub("", text.replace("\u200d", "")))
    text = _HAN.sub(lambda m: _pinyin(m.group()), text)
    if _AZ_LETTERS.search(text):
        text = text.translate(_AZ_MAP)
    if _UK_LETTERS.search(text):
        text = re.sub(r"(?<![^\W\d_])є", "ye", text).translate(_UK_MAP)
    text = _ARTICLE_PREFIX.sub("", text)
    tokens = []
    for part in re.split(r"[\s,;/()\[\]\-‐–—_.]+", text):
        if not part:
            continue
        script = _script(part)
        if script == "arabic":
            word = "".join(ch for ch in part.translate(_ARABIC_FOLD) if unicodedata.category(ch).startswith("L"))
        elif script == "hebrew":
            word = "".join(ch for ch in part.translate(_HEBREW_FINALS) if "\u05d0" <= ch <= "\u05ea")
        else:
            from anyascii import anyascii  # the matching libraries load only on a Clearing House

            word = re.sub(r"[^a-z0-9]+", "", anyascii(part).lower())
        if word:
            tokens.append(word)
    return tokens


def _split_arabic(word: str) -> list[str]:
    """``نصرالدين`` → ``نصر الدين``, ``عبدالرحمن`` → ``عبد الرحمن``: an article inside a word starts a word."""
    match = re.match(r"^(عبد|ابو|.{3,}?)(ال.{2,})$", word)
    return [match.group(1), match.group(2)] if match else [word]


def name_key(name: str) -> str:
    """The key of one name (see the module's docstring): normalised tokens, in order, space-separated."""
    tokens = []
    for word in _raw_tokens((name or "")[:MAX_NAME_CHARS]):
        tokens += _split_arabic(word) if _script(word) == "arabic" else [word]
    while len(tokens) > 1 and tokens[0] in _TITLES:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] in _TRAILING_TITLES:
        tokens.pop()
    tokens = [t for t in tokens if t not in _ARTICLE_WORDS]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if token in _LATIN_PARTICLES and nxt and _script(nxt) == "latin":
            token, i = _LATIN_PARTICLES[token] + nxt, i + 1
        elif token in _LATIN_ABD and nxt and _script(nxt) == "latin":
            token, i = "abd" + nxt, i + 1
        elif token in _ARABIC_PARTICLES and nxt and _script(nxt) == "arabic":
            rest = nxt[2:] if token == "عبد" and nxt.startswith("ال") and len(nxt) > 3 else nxt
            token, i = token + rest, i + 1
        if _script(token) == "latin":
            glued = _ABD_GLUED.match(token)
            if glued and token not in _LATIN_ABD:
                token = "abd" + glued.group(1)
        out.append(token)
        i += 1
    return " ".join(out[:MAX_WORDS])


def target_keys(targets: list) -> list[str]:
    """Keys for every name and alias of an alert's targets."""
    keys: list[str] = []
    for target in targets:
        names = [target.get("name", "")] + list(target.get("aliases") or []) if isinstance(target, dict) \
            else [target.name] + list(target.aliases or [])
        for name in names:
            key = name_key(name)
            if key and key not in keys:
                keys.append(key)
    return keys


# --- Latin words ------------------------------------------------------------------------

_VOWELS = set("aeiouyw")
_CLASS = {"a": "A", "e": "E", "i": "I", "y": "I", "o": "U", "u": "U", "w": "U"}
_DIGRAPHS = [("tsch", "C"), ("dzh", "j"), ("tch", "C"), ("sch", "s"), ("sh", "s"), ("ch", "C"), ("cz", "C"),
             ("sz", "s"), ("kh", "h"), ("gh", "g"), ("zh", "j"), ("dj", "j"), ("dh", "d"), ("th", "t"),
             ("ph", "f"), ("ck", "k"), ("q", "k"), ("x", "ks"), ("tz", "ts")]
_FINAL_DEVOICE = {"d": "t", "b": "p"}
_PINYIN_SYLLABLE = (r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])"
                    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un"
                    r"|ia|ie|iu|ua|uo|ue|ui|a|o|e|i|u)"
                    r"|ang|eng|ai|ei|ao|ou|an|en|er|a|o|e)")  # without an initial, only these finals
_PINYIN = re.compile(f"(?:{_PINYIN_SYLLABLE})+")


@lru_cache(maxsize=65536)
def _latin_shape(word: str) -> tuple[str, tuple[str, ...], bool]:
    """(consonant skeleton, vowel gaps around its consonants, is pinyin) of a Latin word."""
    pinyin = bool(_PINYIN.fullmatch(word))
    w = word
    if len(w) > 3 and w.endswith("h") and w[-2] in "aeiou":
        w = w[:-1]  # Fatimah / Fatima, Sotoudeh / Sotoude
    if w.startswith("ye") and len(w) > 3:
        w = w[1:]  # Yelena / Elena, Yevgeny / Evgeny
    for old, new in _DIGRAPHS:
        w = w.replace(old, new)
    w = re.sub(r"c(?=[aoukgt]|$)", "k", w).replace("c", "C")  # a hard c is k; the others sound as ch (Celik)
    if w and w[-1] in _FINAL_DEVOICE:
        w = w[:-1] + _FINAL_DEVOICE[w[-1]]
    if len(w) > 1 and w[0] in "yi" and w[1] in "aeiou":
        w = "Y" + w[1:]  # Yusuf / Iosif: a consonant y
    consonants, gaps, gap = [], [], ""
    for ch in w:
        if ch in _VOWELS:
            gap += ch
        elif consonants and ch == consonants[-1] and not gap:
            continue  # doubled consonant
        else:
            consonants.append(ch)
            gaps.append(gap)
            gap = ""
    gaps.append(gap)
    return "".join(consonants), tuple(gaps), pinyin


def _gap_class(gap: str) -> tuple[str, bool]:
    """The vowel a gap stands for (A, E, I, U) and whether it is long (a digraph or doubled vowel)."""
    long = len(gap) > 1
    classes = []
    for ch in gap.replace("ee", "i"):  # ee is a long i (Nabeel, Saeed)
        c = _CLASS[ch]
        if not classes or classes[-1] != c:
            classes.append(c)
    if len(classes) == 1:
        return classes[0], long
    if "I" in classes[1:]:
        return "I", True
    if "U" in classes:
        return "U", True
    return classes[-1], True


def _vowels_compatible(a: str, b: str) -> bool:
    return a == b or "E" in (a, b) and {a, b} <= {"A", "E", "I"}


def _latin_words_match(a: str, b: str) -> bool:
    if a == b:
        return True
    ska, gaps_a, pinyin_a = _latin_shape(a)
    skb, gaps_b, pinyin_b = _latin_shape(b)
    if ska != skb or (pinyin_a and pinyin_b) or not ska:
        return False
    vowels_a, vowels_b = [g for g in gaps_a if g], [g for g in gaps_b if g]
    if len(vowels_a) == len(vowels_b) == 1 and len(vowels_a[0]) == len(vowels_b[0]) == 1:
        return vowels_a == vowels_b  # one syllable, one vowel letter: Dung ≠ Dong ≠ Dang
    cost = 0
    last = len(gaps_a) - 1
    for i, (ga, gb) in enumerate(zip(gaps_a, gaps_b, strict=True)):
        if ga == gb:
            continue
        if not ga or not gb:
            other = ga or gb
            if i == last and other != "e":
                return False  # Mohammad / Mohammadi
            if _gap_class(other)[1]:
                return False  # an unwritten vowel against a long one
            cost += 1
            continue
        (ca, long_a), (cb, long_b) = _gap_class(ga), _gap_class(gb)
        if _vowels_compatible(ca, cb):
            continue
        if long_a or long_b:
            return False
        cost += 1
    return cost == 0 or (cost == 1 and len(ska) >= 3)


# --- abjad words as patterns over Latin spellings -----------------------------------------
#
# A pattern is a sequence of slots: (spellings, least and most repeats), or (None, most vowels,
# "ou" allowed) for a run of unwritten vowels, in which no long vowel (ee, ii, oo, uu, ou) may
# stand: a long vowel is written in an abjad. It is matched against a Latin word by dynamic
# programming over positions (no backtracking: time linear in the pattern times the word).

Slot = tuple[tuple[str, ...] | None, int, int]
_SHORT: Slot = (None, 1, 0)  # an unwritten short vowel
_SHORT_FIRST: Slot = (None, 2, 1)  # the same in the first syllable, where French writes u "ou" (Loujain)
_GUTTURAL: Slot = (None, 2, 0)  # ع, ء, א, ע: written as a vowel, an apostrophe (dropped) or nothing
_LONG_IN_RUN = ("ee", "ii", "oo", "uu")
_ARTICLE: Slot = (("al", "el", "il", "ol", "ul", "l"), 0, 1)  # al-Hassan, Elham: optional
_FRENCH_E: Slot = (("e",), 0, 1)  # Ihsane, Soulaimane
_ARABIC_CONS = {
    "ب": "b|p", "ت": "t", "ث": "th|t|s", "ج": "j|g|dj|dzh|zh|c", "ح": "h", "خ": "kh|h|x|k|ch", "د": "d",
    "ذ": "dh|z|d|th", "ر": "r", "ز": "z|s", "س": "s", "ش": "sh|ch|sch|s|c", "ص": "s", "ض": "d|dh|z",
    "ط": "t", "ظ": "z|dh|d", "غ": "gh|g|r", "ف": "f|ph", "ق": "q|k|gh|g|c|ck", "ك": "k|c|ck|q", "ل": "l",
    "م": "m", "ن": "n", "پ": "p", "چ": "ch|tch|c|tsch", "ژ": "zh|j|z", "گ": "g|gu", "ڤ": "v|f|w",
}
_HEBREW_CONS = {
    "ב": "b|v", "ג": "g|j", "ד": "d", "ז": "z", "ח": "ch|kh|h|x", "ט": "t", "כ": "k|ch|kh|c", "ל": "l",
    "מ": "m", "נ": "n", "ס": "s", "פ": "p|f|ph", "צ": "tz|ts|z|c|s", "ק": "k|q|c", "ר": "r", "ש": "sh|s",
    "ת": "t|th|s",
}
_Y_LONG = "y|i|ee|ei|ey|ai|ay|ie|iy|yy|ii"
_W_LONG = "w|v|ou|oo|u|o|aw|ow|au|uw|ue|uu"


def _slot(spellings: str, least: int = 1, most: int = 1) -> Slot:
    return tuple(spellings.split("|")), least, most


def _letter_slot(ch: str, first: bool, final: bool, hebrew: bool) -> Slot | None:
    """The Latin spellings of one abjad letter (None for a letter we do not know)."""
    if hebrew:
        if ch in "אע":
            return _GUTTURAL
        if ch == "ו":
            return _slot("v|w|o|u" if first else "v|w|o|u|oo|ou")
        if ch == "י":
            return _slot("y|i|j|e" if first else _Y_LONG + "|j|e")  # also e (tsere: Merav)
        if ch == "ה":
            return _slot("ah|a|eh|e|h", 0) if final else _slot("h")
        alts = _HEBREW_CONS.get(ch)
    else:
        if ch in "عء":
            return _GUTTURAL
        if ch == "ا":
            return _SHORT if first else _slot("a|aa|ah|e|o" if final else "aa|a|e|o")
        if ch == "و":
            return _slot("w|v|ou|u|o" if first else _W_LONG)
        if ch == "ي":
            return _slot("y|i|j|e" if first else _Y_LONG)
        if ch == "ى":
            return _slot("a|aa|i|y|e|ah", 0)
        if ch == "ێ":  # Kurdish ê
            return _slot("e|ey|ei|ee|i|y")
        if ch == "ة":
            return _slot("a|ah|eh|at|et|e|h|ih", 0)
        if ch == "ه":
            return _slot("h|eh|ah|e|a", 0) if final else _slot("h")
        alts = _ARABIC_CONS.get(ch)
    return _slot(alts, 1, 2) if alts else None  # a consonant may be written doubled (shadda)


def _word_slots(word: str) -> tuple[Slot, ...]:
    hebrew = _script(word) == "hebrew"
    if hebrew:
        word = word.replace("יי", "י").replace("וו", "ו")  # a doubled yod or vav is one consonant
    prefix: tuple[Slot, ...] = ()
    if not hebrew and word.startswith("ال") and len(word) > 3:
        prefix, word = (_ARTICLE, _SHORT), word[2:]
    letters = [s for i, ch in enumerate(word) if (s := _letter_slot(ch, i == 0, i == len(word) - 1, hebrew))]
    slots: list[Slot] = []
    for slot in (*prefix, *(s for i, letter in enumerate(letters)
                            for s in ((_SHORT_FIRST if i == 1 else _SHORT, letter) if i else (letter,)))):
        if slot[0] is None and slots and slots[-1][0] is None:  # one run of unwritten vowels
            slots[-1] = (None, slots[-1][1] + slot[1], slots[-1][2] | slot[2])
        else:
            slots.append(slot)
    return tuple(slots)


@lru_cache(maxsize=65536)
def _abjad_slots(words: tuple[str, ...]) -> tuple[Slot, ...]:
    """The pattern for the Latin spellings of ``words`` written as one (a French final e allowed)."""
    return tuple(slot for word in words for slot in _word_slots(word)) + (_FRENCH_E,)


def _vowel_run(positions: set[int], latin: str, longest: int, ou: int) -> set[int]:
    """Where a run of at most ``longest`` unwritten vowels can end, from each of ``positions``."""
    reached = set(positions)
    for start in positions:
        for end in range(start + 1, min(start + longest, len(latin)) + 1):
            pair = latin[end - 2:end] if end - start >= 2 else ""
            if latin[end - 1] not in "aeiou" or pair in _LONG_IN_RUN or (pair == "ou" and not ou):
                break
            reached.add(end)
    return reached


def _spelled(slots: tuple[Slot, ...], latin: str) -> bool:
    """Is ``latin`` one of the spellings ``slots`` describe?"""
    positions = {0}  # where the part of ``latin`` matched so far can end
    for slot in slots:
        if slot[0] is None:
            positions = _vowel_run(positions, latin, slot[1], slot[2])
            continue
        spellings, least, most = slot
        reached = set(positions) if least == 0 else set()
        current = positions
        for repeat in range(1, most + 1):
            current = {p + len(s) for p in current for s in spellings if latin.startswith(s, p)}
            if repeat >= least:
                reached |= current
            if not current:
                break
        positions = reached
        if not positions:
            return False
    return len(latin) in positions


def _skeleton(word: str) -> str:
    """An abjad word's letters without its vowel letters, articles and doubled letters."""
    if word.startswith("ال") and len(word) > 3:
        word = word[2:]
    word = word.replace("ى", "ا").replace("ة", "ه")
    return re.sub(r"(.)\1+", r"\1", re.sub("[اويێءعאוויע]", "", word))


@lru_cache(maxsize=262144)
def _words_match(a: str, b: str) -> bool:
    sa, sb = _script(a), _script(b)
    if sa == "latin" and sb == "latin":
        return _latin_words_match(a, b)
    if sa != "latin" and sb != "latin":
        if sa != sb:
            from anyascii import anyascii

            return _latin_shape(anyascii(a))[0] == _latin_shape(anyascii(b))[0]
        return a == b or _skeleton(a) == _skeleton(b) and _skeleton(a) != ""
    abjad, latin = (a, b) if sa != "latin" else (b, a)
    return _spelled(_abjad_slots((abjad,)), latin)


# --- names ------------------------------------------------------------------------------

def _assign(short: tuple[str, ...], long: tuple[str, ...], ordered: bool) -> bool:
    """Can every word of ``short`` be matched to a distinct word of ``long`` (in order if ``ordered``)?"""
    if ordered:  # the earliest matching word each time is as good as any other choice
        j = 0
        for word in short:
            while j < len(long) and not _words_match(word, long[j]):
                j += 1
            if j == len(long):
                return False
            j += 1
        return True
    owner: dict[int, int] = {}  # bipartite matching by augmenting paths (Kuhn)

    def augment(i: int, seen: set[int]) -> bool:
        for j in range(len(long)):
            if j not in seen and _words_match(short[i], long[j]):
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False
    return all(augment(i, set()) for i in range(len(short)))


def _joined_match(a: tuple[str, ...], b: tuple[str, ...], ordered: bool) -> bool:
    """The two names written as one word match (Nasreddin / Nasr ad-Din, Xi Jin-ping / Xi Jinping)."""
    from itertools import permutations

    if len(a) == len(b):
        return False  # the same number of words: compared word by word
    abjad_a = any(_script(w) != "latin" for w in a)
    abjad_b = any(_script(w) != "latin" for w in b)
    if abjad_a and abjad_b:
        return _skeleton("".join(a)) == _skeleton("".join(b))
    if abjad_a or abjad_b:
        abjad, latin = (a, b) if abjad_a else (b, a)
        return all(_script(w) == "latin" for w in latin) and all(_script(w) != "latin" for w in abjad) \
            and _spelled(_abjad_slots(abjad), "".join(latin))
    orders = [b] if ordered or len(b) > 3 else permutations(b)
    return any(_latin_words_match("".join(a), "".join(order)) for order in orders)


@lru_cache(maxsize=131072)  # pure; the case grouping compares every new alert with its candidate cases
def keys_match(a: str, b: str) -> bool:
    """Do two keys (:func:`name_key`) name the same person or organisation?"""
    if not a or not b:
        return False
    if a == b:
        return True
    ta, tb = tuple(a.split()), tuple(b.split())
    short, long = sorted((ta, tb), key=len)
    ordered = any(_script(w) != "latin" for w in ta + tb)  # Arabic and Hebrew names are not reordered
    if (len(short) >= 2 or len(long) == 1) and _assign(short, long, ordered):
        return True
    return _joined_match(ta, tb, ordered)


def any_match(keys_a: list[str], keys_b: list[str]) -> bool:
    return any(keys_match(a, b) for a in keys_a for b in keys_b)


def as_date(value: str) -> date | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as the first day it can mean."""
    parts = (value or "").split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def near(a: str, b: str, window: int = DATE_WINDOW_DAYS) -> bool:
    da, db = as_date(a), as_date(b)
    return bool(da and db) and abs((da - db).days) <= window


if __name__ == "__main__":  # pragma: no cover - a helper for trying names by hand
    for line in sys.stdin:
        left, _, right = line.rstrip("\n").partition("\t")
        print(name_key(left), "|", name_key(right), "|", keys_match(name_key(left), name_key(right)))
