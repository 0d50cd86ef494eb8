"""Whether the words before a colon name a person or start a sentence.

`Bob: we need SSO` starts Bob's turn, but `Note: send the deck` or `The plan: ...` inside a turn
does not. A label must look like a name (capitalised words, name particles, `Speaker 2`), must
not be a word that introduces a remark, and the line before must not announce a list with ':'.
Labels already seen in the file, or listed as participants, are always names; a file whose
speakers are written in lower case ("ana: ...") may name new ones in lower case too.
"""

from __future__ import annotations

from collections.abc import Iterable

_MAX_WORDS = 6


def _words(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


# Lower-case words that sit inside names: "Ana de Souza", "Ludwig van der Berg".
_PARTICLES = _words("de da do dos das del della di du van von der den ter ten la le y e bin al zu")
# Words a speaker is called by before a number: "Speaker 2", "Participant 3".
_GENERIC = _words(
    "speaker participant person guest caller attendee user voice interviewer",
    "sprecher teilnehmer orador falante locutor participante hablante",
)
# Words that introduce a remark or start a sentence rather than name a speaker.
_NOT_NAMES = _words(
    # English
    "note notes nb ps p.s fyi todo update edit example e.g eg i.e ie question answer summary",
    "agenda reminder warning tip important attention caution disclaimer re subject date time",
    "total price pricing cost costs budget url link website email e-mail phone tel address",
    "source step option also plus however so and but or ok okay yes no well now then here",
    "there this that the an our my we it they you he she if when what why how where who which",
    "basically honestly anyway first second third finally result results conclusion problem",
    "issue goal goals context background details key action next",
    # Portuguese, Spanish, German, French, Italian
    "nota obs observação exemplo resumo pergunta resposta data assunto então não mas ou tipo olha",
    "ejemplo pregunta respuesta fecha asunto entonces sí pero bueno",
    "hinweis beispiel zusammenfassung frage antwort datum betreff ja nein aber und oder gut",
    "achtung wichtig",
    "remarque exemple résumé réponse donc oui non mais alors bon voilà objet",
    "esempio riassunto domanda risposta quindi però allora ecco oggetto",
)
# A line ending like this announces what follows ("three options:"), so the next line is text.
_ANNOUNCES = (":", ",", ";", "-", "–", "—")


def is_plausible(name: str) -> bool:
    """Loosely a label: at most six words and no sentence ending inside ("Thanks. So")."""
    words = name.split()
    if not words or len(words) > _MAX_WORDS:
        return False
    # "Dr." and "J." are fine; a longer word ending in a period ends a sentence.
    return not any(word.endswith(".") and len(word) > 5 for word in words[:-1]) and not (
        len(words) > 1 and words[-1].endswith(".") and len(words[-1]) > 5
    )


def is_remark(name: str) -> bool:
    """True for words that open a remark ("Note", "Next steps", "So") rather than name someone."""
    folded = name.casefold().rstrip(".")
    first = folded.split()[0] if folded.split() else ""
    return folded in _NOT_NAMES or (len(first) > 1 and first.rstrip(".") in _NOT_NAMES)


class Speakers:
    """The speakers a file has named so far (and its participants), to tell names from text."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._names = {name.casefold() for name in names}
        self.lowercase = False  # the file writes names in lower case

    def __contains__(self, name: str) -> bool:
        return name.casefold() in self._names

    def add(self, name: str) -> None:
        """Remember a speaker whose label started a turn."""
        self._names.add(name.casefold())
        self.lowercase = self.lowercase or name.islower()

    def first_words(self) -> set[str]:
        """First words of the known names: "speaker" from "Speaker 1" lets "Speaker 2" in."""
        return {name.split()[0] for name in self._names if name.split()}


def looks_like_name(name: str, known: Speakers) -> bool:
    """Strictly a name: capitalised words or particles, `Speaker 2`, or a name seen before."""
    if name in known:
        return True
    words = name.split()
    if not is_plausible(name) or len(words) > _MAX_WORDS - 1 or is_remark(name):
        return False
    prefixes = known.first_words()
    for position, word in enumerate(words):
        if word[0].isupper() or (known.lowercase and word[0].isalpha()):
            continue
        if position and word.casefold() in _PARTICLES:
            continue
        if position and word.isdigit() and words[0].casefold() in _GENERIC | prefixes:
            continue
        return False
    return True


def announces(previous_line: str) -> bool:
    """True when the previous line ends by announcing more of the same turn (':' or ',')."""
    return previous_line.rstrip().endswith(_ANNOUNCES)


def starts_turn(
    name: str,
    *,
    previous: str | None,
    known: Speakers,
    timed: bool = False,
    alone: bool = False,
    title: str | None = None,
) -> bool:
    """Whether an inline `Name: text` label starts a new turn rather than continuing one.

    `previous` is the line before (None before the first turn, "" after a blank line); `timed`
    says the line opened with a timestamp; `alone` that the label ends its line.
    """
    if not is_plausible(name):
        return False
    if previous is None:
        return not alone or looks_like_name(name, known)  # the first turn, as always read
    if name in known:
        return True
    if alone:
        return previous == "" and looks_like_name(name, known)
    if timed or previous == "":
        return not is_remark(name)
    # A continuation line: only a clear name, not after a line announcing more ("options:").
    title_ok = title is None or not title[0].isalpha() or title[0].isupper()
    return looks_like_name(name, known) and not announces(previous) and title_ok
