"""Authority: the lead's own job title, and whether they decide or need someone's approval.

A title counts when the speaker says it of themselves ("I'm the CFO", "sou gerente de compras",
"soy director de TI"); "our CEO" or "my boss" is someone else. Needing someone's approval lowers
the level one step and makes the answer ambiguous; a decision phrase without a title leaves the
level unknown (ambiguous) with its quote for the reviewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.offline.reading import Finding, Reading, Statement
from scoring.bant import AuthorityAnswer, AuthorityLevel
from scoring.extraction import FieldStatus

_L = AuthorityLevel
_TITLES: tuple[tuple[AuthorityLevel, str], ...] = (
    (
        _L.C_LEVEL,
        r"c(?:hr|is|e|f|t|o|i|m|r|s|p|d|x)o|chief [a-z]+(?: [a-z]+)? officer"
        r"|(?:co-?)?founder|co-?fundador[a]?|fundador[a]?|owner|dono|dona|propietari[oa]"
        r"|duen[oa]|socio|socia|presidente?|managing director|diretor[a]? (?:executiv[oa]|geral)"
        r"|director[a]? (?:ejecutiv[oa]|general)|gerente general|toimitusjohtaja|talousjohtaja"
        r"|teknologiajohtaja|perustaja|omistaja",
    ),
    (
        _L.VP_DIRECTOR,
        r"(?:senior |executive |regional )?vice[- ]?president[e]?|vicepresidente"
        r"|[se]?vp|head of|director[a]?|diretor[a]?|johtaja|general manager",
    ),
    (
        _L.MANAGER,
        r"manager|gerente|gestor[a]?|supervisor[a]?|coordenador[a]?|coordinador[a]?"
        r"|jef[ea] de|chefe de|encargad[oa]|responsavel|responsable|team lead|tech lead|lider"
        r"|paallikko|esimies",
    ),
    (
        _L.INDIVIDUAL_CONTRIBUTOR,
        r"product owner|analyst|analista|engineer|engenheir[oa]"
        r"|ingenier[oa]|developer|desenvolvedor[a]?|desarrollador[a]?|programador[a]?|specialist"
        r"|especialista|consultant|consultor[a]?|associate|assistant|assistente|asistente|intern"
        r"|estagiari[oa]|becari[oa]|coordinator|designer|scientist|representative|representante"
        r"|administrator|administrador[a]?|accountant|contador[a]?|technician|tecnic[oa]"
        r"|insinoori|asiantuntija|kehittaja",
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
_OF_AREA_TAIL = re.compile(r"[a-z0-9&/-]+(?:\s+[a-z&/-]+)?")
_ARTICLE_AND_MODIFIERS = (
    r"\s+(?:(?:the|a|an|o|um|uma|el|la|un|una)\s+)?(?:(?!(?:to|of|for|with|from|at|do|da|dos"
    r"|das|de|del|al|para|con|com|the|el|la|my|our|mi|meu|minha|nosso|nossa|nuestro|nuestra|boss"
    r"|report|reports|under|and|e|y)\b)[\w-]+,?\s+){0,3}$"
)
# Said of oneself ("I'm the ...") or, in a question the lead confirms, of the lead ("you're ...").
_SELF = re.compile(
    r"\b(?:i'?m|i am|im|as|this is|sou|eu sou|soy|yo soy|como|olen|my (?:role|title|position"
    r"|job) is|meu cargo e|mi (?:cargo|puesto|rol) es|i work as|i serve as|trabalho como"
    r"|atuo como|trabajo como|me desempeno como)" + _ARTICLE_AND_MODIFIERS
)
_YOU = re.compile(r"\b(?:you'?re|you are|voce e|voce eh|usted es|eres|as)" + _ARTICLE_AND_MODIFIERS)
# Adjectives that follow a title in Portuguese and Spanish: "diretor financeiro".
_ADJECTIVE = re.compile(r"\s+[a-z]+(?:eir[oa]|al|ic[oa]|iv[oa])\b")
_MODIFIERS = re.compile(r"((?:[A-Z][\w&/-]*\s+){1,2})$")
_NOT_MODIFIERS = {"i", "i'm", "im", "as", "this", "is", "the", "a", "an", "sou", "soy", "como"}
_DECIDER = re.compile(
    r"\bi(?:'ll| will)? (?:sign off|sign the (?:contract|deal|check|cheque|po)|make the "
    r"(?:final )?(?:decision|call)|decide|approve|have the final (?:say|word)|own the budget"
    r"|hold the budget)\b"
    r"|\b(?:final )?decision is (?:mine|my call)|\bit'?s my (?:call|decision)|\bbudget owner"
    r"|\bi'?m the (?:final )?decision[- ]maker|\bi am the (?:final )?decision[- ]maker"
    r"|\b(?:eu )?(?:decido|assino|aprovo)\b|\ba decisao (?:final )?e minha|\bquem decide sou eu"
    r"|\bsou eu (?:quem|que) (?:decide|assina|aprova)|\ba palavra final e minha"
    r"|\b(?:yo )?(?:decido|firmo|apruebo)\b|\bla decision (?:final )?es mia|\bquien decide soy yo"
    r"|\bsoy (?:yo )?(?:quien|el que|la que) (?:decide|firma|aprueba)|\btengo la ultima palabra"
    r"|\bmina paatan|\bpaatos on minun"
)
_PEOPLE = (
    r"(?:boss|manager|ceo|cfo|cto|coo|director|vp|board|leadership|owner|partners?|founders?"
    r"|chefe|gestor|gestora|diretor|diretora|socio|socios|diretoria|conselho|gerente|jefe|jefa"
    r"|directora|junta|directorio|dueno|esimie\w*|pomo\w*)"
)
_APPROVAL = re.compile(
    rf"\b(?:check|confirm|talk|speak|discuss|run (?:it|this) by|run (?:it|this) past|clear it)"
    rf" (?:it |this )?(?:with |to |by )?(?:my|our|the) {_PEOPLE}"
    rf"|\b(?:need|needs|get|require|requires)(?: to get)? (?:\w+ )?(?:approval|sign-?off|buy-?in)"
    rf"|\bnot (?:my (?:decision|call)|up to me)|\b(?:my|our|the) {_PEOPLE} (?:\w+ )?"
    rf"(?:decides|approves|signs|has the final|makes the (?:final )?(?:decision|call))"
    rf"|\babove my pay grade"
    rf"|\bi (?:don'?t|do not|can'?t|cannot) (?:make the (?:final )?decision|decide|sign|approve)"
    rf"|\b(?:falar|conversar|consultar|validar|alinhar|ver) (?:isso )?com (?:o |a )?(?:meu |minha"
    rf" |nosso |nossa )?{_PEOPLE}|\bprecis\w+ (?:de )?(?:uma )?aprova|\bnao (?:e|sou) eu (?:quem"
    rf"|que) decid|\ba decisao nao e minha|\bnao decido|\bquem decide e"
    rf"|\b(?:hablar|consultar|validar|revisar|conversar)(?:lo)? (?:esto )?con (?:mi |nuestro "
    rf"|nuestra |el |la )?{_PEOPLE}|\bnecesit\w+ (?:la )?aprobacion|\bno (?:es|soy) (?:mi "
    rf"decision|yo quien decide)|\bla decision no es mia|\bquien decide es|\bno decido yo"
)
_LOWER = {
    _L.C_LEVEL: _L.VP_DIRECTOR,
    _L.VP_DIRECTOR: _L.MANAGER,
    _L.MANAGER: _L.INDIVIDUAL_CONTRIBUTOR,
    _L.INDIVIDUAL_CONTRIBUTOR: _L.INDIVIDUAL_CONTRIBUTOR,
}
_RANK = [_L.UNKNOWN, _L.INDIVIDUAL_CONTRIBUTOR, _L.MANAGER, _L.VP_DIRECTOR, _L.C_LEVEL]


@dataclass(frozen=True)
class _Title:
    statement: Statement
    level: AuthorityLevel
    raw: str


def _span(sentence_text: str, folded: str, match: re.Match[str]) -> tuple[int, int]:
    """The title's span with its area ("of Sales"), adjective or capitalised words before it."""
    start, end = match.span()
    if match.group().endswith((" of", " de")):
        tail = _OF_AREA_TAIL.match(folded, end + 1)
        end = tail.end() if tail else end
    elif area := (_AREA.match(folded, end) or _ADJECTIVE.match(folded, end)):
        end = area.end()
    before = _MODIFIERS.search(sentence_text[:start])
    if before:
        words = before.group(1).split()
        while words and words[0].lower().strip(",") in _NOT_MODIFIERS:
            words.pop(0)
        if words and "," not in "".join(words):
            start = sentence_text.rindex(words[0], 0, start)
    return start, end


def _own_titles(statement: Statement) -> list[_Title]:
    sentence = statement.sentence
    self_marker = _YOU if len(statement.quotes) > 1 else _SELF
    found: list[tuple[int, int, AuthorityLevel]] = []
    for match in _TITLE.finditer(sentence.folded):
        index = next(int(name[1:]) for name, value in match.groupdict().items() if value)
        start, end = _span(sentence.text, sentence.folded, match)
        if found and not sentence.folded[found[-1][1] : match.start()].strip():
            # "assistant manager", "associate director": one title, named by its last word.
            found[-1] = (found[-1][0], end, _TITLES[index][0])
        elif self_marker.search(sentence.folded[: match.start()][-80:]):
            found.append((start, end, _TITLES[index][0]))
    return [_Title(statement, level, sentence.text[a:b]) for a, b, level in found]


def find_authority(reading: Reading) -> Finding:
    """The lead's seniority, with the sentences where they say their title or how they decide."""
    by_speaker: dict[str, list[_Title]] = {}
    deciders: dict[str, list[Statement]] = {}
    approvals: dict[str, list[Statement]] = {}
    for statement in reading.statements:
        speaker = statement.quotes[-1].speaker
        by_speaker.setdefault(speaker, []).extend(_own_titles(statement))
        if _APPROVAL.search(statement.sentence.folded):
            approvals.setdefault(speaker, []).append(statement)
        elif _DECIDER.search(statement.sentence.folded):
            deciders.setdefault(speaker, []).append(statement)
    results = [
        _speaker_finding(titles, deciders.get(name, []), approvals.get(name, []))
        for name, titles in by_speaker.items()
        if titles or name in deciders or name in approvals
    ]
    if not results:
        return Finding(AuthorityAnswer())
    # Several people on the lead's side: the most senior one is the authority on the call.
    return max(results, key=lambda f: (_RANK.index(f.answer.level), f.confidence))


def _speaker_finding(
    titles: list[_Title], deciders: list[Statement], approvals: list[Statement]
) -> Finding:
    quotes = [t.statement for t in titles] + deciders + approvals
    evidence = list({e.quote: e for s in quotes for e in s.evidence()}.values())[:5]
    if not titles:
        note = "authority: no title stated; " + (
            "needs someone else's approval" if approvals else "says they decide"
        )
        return Finding(AuthorityAnswer(evidence=evidence), FieldStatus.AMBIGUOUS, 0.4, note)
    levels = {t.level for t in titles}
    # One person with several titles: the cautious (lowest) one, flagged.
    title = min(titles, key=lambda t: _RANK.index(t.level))
    level, raw = title.level, title.raw
    strength = title.statement.strength
    if approvals:
        answer = AuthorityAnswer(level=_LOWER[level], title=raw, evidence=evidence)
        note = f"authority: {raw} but needs someone else's approval"
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.5, note)
    answer = AuthorityAnswer(level=level, title=raw, evidence=evidence)
    if len(levels) > 1:
        raws = ", ".join(dict.fromkeys(t.raw for t in titles))
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.5, f"authority: several titles ({raws})")
    confidence = (0.9 if deciders else 0.8) * strength
    return Finding(answer, FieldStatus.FOUND, round(confidence, 2))
