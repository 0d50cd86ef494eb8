"""Authority: the level of the most senior prospect-side person engaged in the purchase.

Titles come from the speaker label or the file's participants ("Anna Berg (CFO, Acme)"), from
what a speaker says of themselves ("I'm the CFO", "sou gerente de compras", "ich bin
Vertriebsleiterin") or from a colleague's introduction ("this is Maria, our CFO"); "our CEO"
said of someone not on the call is not a participant. Only people engaged in the call count: a
C-level who says hello and leaves does not set the level. Needing someone's approval does not
change it either: a director who runs it by the CFO is still a director.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from connectors.offline.reading import (
    EXTERNAL,
    INTERNAL,
    Finding,
    Reading,
    Sentence,
    Statement,
    fold,
)
from scoring.bant import AuthorityAnswer, AuthorityLevel
from scoring.evidence import Evidence
from scoring.extraction import Candidate, FieldStatus
from scoring.transcript import Side

_L = AuthorityLevel
_TITLES: tuple[tuple[AuthorityLevel, str], ...] = (
    (
        _L.C_LEVEL,
        r"c(?:hr|is|e|f|t|o|i|m|r|s|p|d|x)o|chief [a-z]+(?: [a-z]+)? officer"
        r"|(?:co-?)?founder|co-?fundador[a]?|fundador[a]?|owner|dono|dona|propietari[oa]"
        r"|duen[oa]|socio|socia|presidente?|managing director|diretor[a]? (?:executiv[oa]|geral)"
        r"|director[a]? (?:ejecutiv[oa]|general)|gerente general|toimitusjohtaja\w*"
        r"|talousjohtaja\w*|teknologiajohtaja\w*|perustaja\w*|omistaja\w*"
        r"|geschaftsfuhrer\w*|vorstand\w*|inhaber\w*|grunder\w*|mitgrunder\w*"
        r"|pdg|p-dg|directeur general|directrice generale|daf|fondat(?:eur|rice)|cofondat\w*"
        r"|gerant|gerante|president|presidente|amministratore delegato|direttore generale"
        r"|direttrice generale|titolare|fondat(?:ore|rice)|cofondat\w*|socio fondatore"
        r"|diretor[a]? financeir[oa]|director[a]? financier[oa]|directeur financier"
        r"|directrice financiere|direttore finanziario|direttrice finanziaria|finanzvorstand"
        r"|directeur administratif et financier|directrice administrative et financiere"
        r"|fundador(?:a|es|as)|socios|socias|founders|co-?founders|fondat(?:eur|rice)s"
        r"|grunderin(?:nen)?|soci fondatori"
        r"|kaufmannische[rn]? geschaftsfuhrer\w*",
    ),
    (
        _L.VP_DIRECTOR,
        r"(?:senior |executive |regional )?vice[- ]?president[e]?|vicepresidente"
        r"|[se]?vp|head of|director[a]?|diretor[a]?|\w*johtaja\w*|general manager"
        r"|direktor\w*|(?!team|gruppen)\w*leiter(?:in)?(?![a-z])|leiter(?:in)? \w+|prokurist\w*"
        r"|directeur|directrice|direttore|direttrice|vicedirett\w*",
    ),
    (
        _L.MANAGER,
        r"manager|gerente|gestor[a]?|supervisor[a]?|coordenador[a]?|coordinador[a]?"
        r"|jef[ea] de|chefe de|encargad[oa]|responsavel|responsable|team lead|tech lead|lider"
        r"|\w*paallikko\w*|\w*paallikk\w*|esimies|tiiminvetaja\w*|teamleiter\w*"
        r"|gruppenleiter\w*|chef(?:fe)? d'equipe|chef(?:fe)? de projet|responsabile"
        r"|capo(?:squadra)?|coordinat(?:ore|rice)|team leader",
    ),
    (
        _L.INDIVIDUAL_CONTRIBUTOR,
        r"product owner|analyst|analista|engineer|engenheir[oa]"
        r"|ingenier[oa]|developer|desenvolvedor[a]?|desarrollador[a]?|programador[a]?|specialist"
        r"|especialista|consultant|consultor[a]?|associate|assistant|assistente|asistente|intern"
        r"|estagiari[oa]|becari[oa]|coordinator|designer|scientist|representative|representante"
        r"|administrator|administrador[a]?|accountant|contador[a]?|technician|tecnic[oa]"
        r"|insinoori\w*|asiantuntija\w*|kehittaja\w*|harjoittelija\w*|analyytikko\w*"
        r"|werkstudent\w*|praktikant\w*|sachbearbeiter\w*|referent\w*|analyste|stagiaire"
        r"|assistante|charge(?:e)? d'affaires|commercial(?:e)? terrain|stagista|specialista"
        r"|impiegat[oa]|addett[oa]",
    ),
)
_TITLE = re.compile(
    "|".join(rf"(?P<t{i}>\b(?:{pattern})\b)" for i, (_, pattern) in enumerate(_TITLES))
)
# "of Sales", "de Compras": one or two words naming the area.
_AREA = re.compile(
    r"(?:\s+(?:of|for|de|da|do|del|dos|das)\s+(?:the\s+|la\s+|el\s+)?"
    r"(?!(?:the|a|an|at|in|and|e|y|o|la|el|uma|um|una|un)\b)[a-z0-9&/-]+"
    r"(?:\s+(?!(?:at|in|and|e|y|em|en|na|no|for|para|here|aqui|with|com|con)\b)[a-z&/-]+)?)"
)
# "diretora financeira da Açúcar & Cia": a capitalised name after "da" is the company, not an area.
_OF_COMPANY = re.compile(r"\s+(?:da|do|de|del|della|di|du|der|bei)\s+[A-ZÀ-Ý]")
_OF_AREA_TAIL = re.compile(r"[a-z0-9&/-]+(?:\s+[a-z&/-]+)?")
_ARTICLE_AND_MODIFIERS = (
    r"\s+(?:(?:the|a|an|o|um|uma|el|la|un|una|der|die|das|ein|eine|le|l'|il|lo|une)\s*)?"
    r"(?:(?!(?:to|of|for|with|from|at|do|da|dos|das|de|del|al|para|con|com|the|el|la|my|our|mi"
    r"|meu|minha|nosso|nossa|nuestro|nuestra|boss|report|reports|under|and|e|y|mein\w*|unser\w*"
    r"|mon|ma|notre|mio|mia|nostr\w|und|et|ed)\b)[\w'-]+,?\s+){0,3}$"
)
# Said of oneself ("I'm the ...") or, in a question the lead confirms, of the lead ("you're ...").
_SELF = re.compile(
    r"\b(?:i'?m|i am|im|as|this is|sou|eu sou|soy|yo soy|como|olen|my (?:role|title|position"
    r"|job) is|meu cargo e|mi (?:cargo|puesto|rol) es|i work as|i serve as|trabalho como"
    r"|atuo como|trabajo como|me desempeno como|ich bin|bin ich|ich arbeite als|je suis"
    r"|en tant que|comme|je travaille comme|sono|io sono|lavoro come|faccio (?:il|la|l')"
    r"|mina olen|ma oon|mina oon|oon|toimin|tyoskentelen|bin|somos|siamo|sommes|wir sind"
    r"|we are|we're|olemme|(?:eu|io|yo|ich|je|i) e (?:meu|mio|mi) \w+ (?:somos|siamo))"
    + _ARTICLE_AND_MODIFIERS
)
# "Maarten signs the contract as CFO": "as" after someone else's name is their title.
_OF_SOMEONE_ELSE = re.compile(r"^\s*(?:as|als|comme|come|como)\b")
def _names_someone(text: str, names: frozenset[str]) -> bool:
    return any(re.search(rf"\b{re.escape(name)}\b", text) for name in names)


_YOU = re.compile(r"\b(?:you'?re|you are|voce e|voce eh|usted es|eres|as)" + _ARTICLE_AND_MODIFIERS)
# Adjectives that follow a title in Portuguese and Spanish: "diretor financeiro".
_ADJECTIVE = re.compile(r"\s+[a-z]+(?:eir[oa]|al|ic[oa]|iv[oa])\b")
_MODIFIERS = re.compile(r"((?:[A-Z][\w&/-]*\s+){1,2})$")
_NOT_MODIFIERS = {"i", "i'm", "im", "as", "this", "is", "the", "a", "an", "sou", "soy", "como"}
_RANK = [_L.UNKNOWN, _L.INDIVIDUAL_CONTRIBUTOR, _L.MANAGER, _L.VP_DIRECTOR, _L.C_LEVEL]


@dataclass(frozen=True)
class _Title:
    statement: Statement
    level: AuthorityLevel
    raw: str


def _span(
    sentence_text: str, folded: str, match: re.Match[str], floor: int = 0
) -> tuple[int, int]:
    """The title's span with its area ("of Sales"), adjective or capitalised words before it."""
    start, end = match.span()
    if match.group().endswith((" of", " de")):
        tail = _OF_AREA_TAIL.match(folded, end + 1)
        end = tail.end() if tail else end
    elif not _OF_COMPANY.match(sentence_text, end) and (
        area := (_AREA.match(folded, end) or _ADJECTIVE.match(folded, end))
    ):
        end = area.end()
    before = _MODIFIERS.search(sentence_text[floor:start])
    if before:
        words = before.group(1).split()
        while words and words[0].lower().strip(",") in _NOT_MODIFIERS:
            words.pop(0)
        if words and "," not in "".join(words):
            start = sentence_text.rindex(words[0], floor, start)
    return start, end


def _own_titles(statement: Statement, others: frozenset[str] = frozenset()) -> list[_Title]:
    """Titles the speaker gives themselves; `others` are the folded first names of the other
    people on the call ("Maarten signs the contract as CFO" is Maarten's title)."""
    sentence = statement.sentence
    self_marker = _YOU if len(statement.quotes) > 1 else _SELF
    found: list[tuple[int, int, AuthorityLevel]] = []
    for match in _TITLE.finditer(sentence.folded):
        level = _level(match)
        start, end = _span(sentence.text, sentence.folded, match)
        if found and not sentence.folded[found[-1][1] : match.start()].strip():
            # "assistant manager", "associate director": one title, named by its last word.
            found[-1] = (found[-1][0], end, level)
        elif (marker := self_marker.search(sentence.folded[: match.start()][-80:])) and not (
            _OF_SOMEONE_ELSE.search(marker.group())
            and _names_someone(sentence.folded[: match.start()], others)
        ):
            found.append((start, end, level))
    if not found and len(statement.quotes) == 1:
        # "I run sales here", "ich leite den Verkauf": heading a function is a director's job.
        for match in _HEADS.finditer(sentence.folded):
            level = _L.MANAGER if match["team"] else _L.VP_DIRECTOR
            found.append((match.start(), match.end(), level))
    return [_Title(statement, level, sentence.text[a:b]) for a, b, level in found]


_FUNCTION = (
    r"(?:the |our |den |die |das |unseren |le |la |les |notre |il |la |el |o |a |nosso |nossa "
    r"|nuestro |nuestra |meidan )?(?:sales|marketing|operations|revenue|commercial|business"
    r"|verkauf|vertrieb|einkauf|marketing|ventes|commercial|vendite|commerciale|ventas|comercial"
    r"|vendas|myynti\w*|markkinointi\w*|service|kundendienst|customer success|finance|finanzen"
    r"|finances|finanza|finanzas|financeiro)"
)
_HEADS = re.compile(
    r"\b(?:i (?:head|lead|run|own)|ich leite|ich verantworte|je dirige|je pilote|dirigo|dirijo"
    r"|lidero|comando|guido|johdan|vedan)\s+(?:up\s+)?(?:(?P<team>(?:\w+\s+){0,3}?(?:team"
    rf"|equipe|equipo|squadra|tiimi\w*))\b|(?:\w+\s+)?{_FUNCTION}\b)"
)


def _level(match: re.Match[str]) -> AuthorityLevel:
    """The level of a `_TITLE` match: its one named group says which tier of `_TITLES`."""
    assert match.lastgroup is not None
    return _TITLES[int(match.lastgroup[1:])][0]


def title_level(title: str) -> AuthorityLevel:
    """The level a job title names ("Vertriebsleiterin DACH" -> vp_director), else unknown."""
    match = _TITLE.search(fold(title))
    return _L.UNKNOWN if match is None else _level(match)


@dataclass
class _Person:
    """One prospect-side speaker: how much they took part and what titles they go by."""

    name: str
    turns: int = 0
    about_purchase: int = 0  # sentences about the problem, the product, money, time or deciding
    label: tuple[str, AuthorityLevel] | None = None  # the title printed beside their name
    said: list[_Title] = field(default_factory=list)  # titles said of them in the call

    @property
    def level(self) -> AuthorityLevel:
        # Said or printed differently ("Directrice administrative et financière", "as DAF"):
        # the more specific, senior one.
        levels = [t.level for t in self.said]
        if self.label is not None:
            levels.append(self.label[1])
        return max(levels, key=_RANK.index, default=_L.UNKNOWN)

    def engaged(self, most_turns: int) -> bool:
        """Saying hello, talking about the weather and leaving is not taking part in the
        purchase; on a call too short for anyone to say much, whoever speaks takes part."""
        if most_turns < _ENGAGED_TURNS or self.turns == most_turns:
            return True  # a short call, or the prospect who does most of the talking
        return self.turns >= _ENGAGED_TURNS and self.about_purchase >= _ENGAGED_STATEMENTS


_ENGAGED_TURNS = 3
_ENGAGED_STATEMENTS = 2
# Words of the purchase, in every language read: small talk has none of them.
_PURCHASE = re.compile(
    r"\b(?:budget\w*|price\w*|pricing|cost\w*|pay\w*|invest\w*|money|tool\w*|system\w*"
    r"|software|platform\w*|solution\w*|crm|process\w*|reps|sales|customers?|leads?|need\w*"
    r"|problem\w*|challenge\w*|decid\w*|decision|sign\w*|contract\w*|approv\w*|implement\w*"
    r"|roll\w* out|go live|timeline|quarter|data|report\w*|integrat\w*|license\w*|licence\w*"
    r"|preis\w*|kosten|geld|werkzeug\w*|losung\w*|prozess\w*|kunden|vertrieb\w*|verkauf\w*"
    r"|brauch\w*|entscheid\w*|vertrag\w*|einfuhr\w*|quartal\w*|daten|bericht\w*"
    r"|prix|cout\w*|argent|outil\w*|systeme\w*|logiciel\w*|clients?|ventes?|commerci\w*"
    r"|besoin\w*|probleme\w*|decision\w*|contrat\w*|deploi\w*|trimestre|donnees|rapport\w*"
    r"|prezz\w*|cost[oi]|soldi|strument\w*|sistem\w*|clienti|vendit\w*|bisogn\w*"
    r"|problem[ai]|decisione|contratt\w*|dati|orcament\w*|preco|custo\w*|dinheiro"
    r"|ferramenta\w*|vendas?|precis\w*|decisao|contrato|dados|presupuest\w*|precio\w*"
    r"|herramienta\w*|ventas?|necesit\w*|datos|budjet\w*|hinta\w*|hinn\w*|raha\w*"
    r"|tyokalu\w*|jarjestelm\w*|asiakka\w*|myyn\w*|tarvi\w*|ongelm\w*|paato\w*|sopimu\w*)"
)


def _introductions(reading: Reading, people: dict[str, _Person]) -> None:
    """Titles a colleague gives a speaker: "this is Maria, our CFO", "Andrea Brambilla, il
    nostro direttore finanziario", "this is my boss, Dana, she's our COO", or "Das ist Maria
    Pölzl. Sie ... ist Geschäftsführerin" (the next sentence, about her)."""
    # Each person's first name, folded, and where it stands as a word.
    firsts = {
        fold(name.split()[0]): (name, re.compile(rf"\b{re.escape(fold(name.split()[0]))}\b"))
        for name in people
        if name.split()
    }
    introduced: str | None = None  # whom the previous sentence of this turn introduced
    previous: Sentence | None = None
    for statement in reading.statements:
        sentence = statement.sentence
        lowered = sentence.folded
        if previous is None or previous.segment_index != sentence.segment_index:
            introduced = None
        previous = sentence
        pronoun = _PRONOUN_START.match(lowered)
        if introduced is not None and pronoun is not None:
            match = _TITLE.search(lowered, pronoun.end())
            if match is not None:
                _credit(people[introduced], statement, match, pronoun.end())
        introduced = None
        speaking = fold((sentence.speaker.split() or [""])[0])
        for first, (name, said) in firsts.items():
            if first in speaking:
                continue
            for found in said.finditer(lowered):
                after = _SURNAME.match(lowered, found.end())
                at = after.end() if after else found.end()
                intro = _INTRO.match(lowered, at)
                match = _TITLE.match(lowered, intro.end()) if intro else None
                if match is None:
                    introduced = name
                    continue
                _credit(people[name], statement, match, at)


def _credit(person: _Person, statement: Statement, match: re.Match[str], floor: int) -> None:
    sentence = statement.sentence
    start, end = _span(sentence.text, sentence.folded, match, floor)
    person.said.append(_Title(statement, _level(match), sentence.text[start:end]))


_SURNAME = re.compile(r"\s+[a-z][\w'-]+(?=\s*[,(-])")
# "She ... is the managing director": the sentence after an introduction, about that person.
_PRONOUN_START = re.compile(
    r"\W*(?:she|he|sie|er|elle|il|lei|lui|ela|ele|ella|el|han)\b(?:\s+\w+){0,8}?\s+"
    r"(?:is|ist|est|e|es|on|was|war|fue|foi)\b"
)


# Between a name and the title a colleague gives them: ", our", " ist unsere", " est notre".
_INTRO = re.compile(
    r",?\s*(?:\(|-)?\s*(?:(?:is|ist|est|e|es|on|who is|che e|qui est|she'?s|he'?s|she is|he is"
    r"|c'est|c est|das ist|der ist|die ist"
    r"|sie ist|er ist|elle est|il est|lei e|lui e|ela e|ele e|ella es|el es|han on)\s+)?"
    r"(?:(?:our|my|the|unser\w*"
    r"|mein\w*|die|der|notre|mon|ma|la|le|nostr\w|il|la|nossa|nosso|a|o|nuestr\w|el|meidan)\s+)"
    r"{0,2}"
)


def _people(reading: Reading) -> dict[str, _Person]:
    """The prospect's side of the call, speaker by speaker."""
    prospect = [s for s in reading.sentences if s.role == EXTERNAL]
    pool = prospect or [s for s in reading.sentences if s.role != INTERNAL]
    people: dict[str, _Person] = {}
    titles = {
        fold(p.name): p.title for p in reading.participants if p.title and p.side is not Side.VENDOR
    }
    seen_turns: set[int] = set()
    text = reading.transcript.text  # joined once: a label title counts only if it is shown
    for sentence in pool:
        person = people.setdefault(sentence.speaker, _Person(sentence.speaker))
        if not sentence.injected and _PURCHASE.search(sentence.folded):
            person.about_purchase += 1
        if sentence.segment_index not in seen_turns:
            seen_turns.add(sentence.segment_index)
            person.turns += 1
            segment = reading.transcript.segments[sentence.segment_index]
            label = segment.title or titles.get(fold(sentence.speaker))
            if label and person.label is None and label in text:
                person.label = (label, title_level(label))
    names = {fold(s.speaker).split()[0] for s in reading.sentences if s.speaker.split()}
    for statement in reading.statements:
        speaker = statement.quotes[-1].speaker
        if speaker in people:
            others = frozenset(names - {fold(speaker).split()[0]})
            people[speaker].said.extend(_own_titles(statement, others))
    _introductions(reading, people)
    return people


def _evidence(reading: Reading, person: _Person) -> list[Evidence]:
    quotes: list[Evidence] = []
    if person.label is not None and person.label[1] is not _L.UNKNOWN:
        quotes.append(Evidence(quote=person.label[0], speaker=person.name))
    quotes += [e for title in person.said for e in title.statement.evidence()]
    return list({e.quote: e for e in quotes}.values())[:4]


def _choices(people: list[_Person]) -> tuple[Candidate, ...]:
    """Each titled prospect on the call, the most senior first, as a reviewer's choice."""
    titled = sorted(
        (p for p in people if p.level is not _L.UNKNOWN),
        key=lambda p: -_RANK.index(p.level),
    )
    return tuple(
        Candidate(
            value=p.level.value,
            label=f"{p.level.value}: {p.name}, {_raw(p)}",
            quote=p.said[0].statement.sentence.text if p.said else p.label and p.label[0],
        )
        for p in titled[:4]
    )


def find_authority(reading: Reading) -> Finding:
    """The level of the most senior prospect-side person engaged in the purchase, with the
    label or sentence that gives their title."""
    people = _people(reading)
    most_turns = max((p.turns for p in people.values()), default=0)
    engaged = [p for p in people.values() if p.engaged(most_turns)]
    titled = [p for p in engaged if p.level is not _L.UNKNOWN]
    if not titled:
        passive = [p for p in people.values() if p.level is not _L.UNKNOWN]
        if not passive:
            return Finding(AuthorityAnswer())
        best = max(passive, key=lambda p: _RANK.index(p.level))
        answer = AuthorityAnswer(
            level=best.level, title=_raw(best), evidence=_evidence(reading, best)
        )
        note = f"authority: {best.name} has a title but barely takes part"
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.4, note, _choices(passive))
    best = max(titled, key=lambda p: (_RANK.index(p.level), p.turns))
    answer = AuthorityAnswer(level=best.level, title=_raw(best), evidence=_evidence(reading, best))
    said_ranks = sorted(_RANK.index(t.level) for t in best.said)
    if best.label is None and said_ranks and said_ranks[-1] - said_ranks[0] > 1:
        raws = ", ".join(dict.fromkeys(t.raw for t in best.said))
        note = f"authority: several titles ({raws})"
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.5, note, _choices(titled))
    untitled = [p for p in engaged if p.level is _L.UNKNOWN and p.turns > best.turns]
    if untitled and best.level is not _L.C_LEVEL:
        note = f"authority: {untitled[0].name} leads the talk and gives no title"
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.5, note, _choices(titled))
    confidence = 0.9 if best.label is not None else 0.8
    return Finding(answer, FieldStatus.FOUND, confidence)


def _raw(person: _Person) -> str:
    if person.label is not None and person.label[1] is not _L.UNKNOWN:
        return person.label[0]
    return max(person.said, key=lambda t: _RANK.index(t.level)).raw
