"""Need: the pains and needs the lead states, matched against the product's capabilities.

A stated need is a sentence of the lead's with a want marker that takes an object ("we need X",
"we lose hours on X", "our biggest problem is X", "precisamos de X", "nos cuesta X") or a pain
marker that describes the sentence's own clause ("all by hand", "is a spreadsheet", "a mano");
an answer to a "what do you need" question also counts when it names a capability. The object
is split into items at list conjunctions ("X, Y and Z", "X y también Z") so one sentence can
hold a covered and an uncovered need. Each item matches a capability by meaning-bearing stems
(`meaning`). The level is the share of items some capability covers: most -> full, some ->
partial, few or none -> low. Sentences about money, timing or the buying process are not needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.offline.meaning import covers, related, stems
from connectors.offline.money import find_money
from connectors.offline.reading import INTERNAL, Finding, Reading, Sentence, Statement
from connectors.offline.when import find_when
from scoring.bant import NeedAnswer, NeedLevel
from scoring.extraction import FieldStatus

_WE = r"(?:we|i|they|our (?:team|reps|people|staff|sellers)|the team)"
_ADVERB = r"(?: (?:really|also|still|just|definitely|urgently|mostly|mainly|basically|\w+ly))?"
# Markers followed by what is needed: the needs are the text after the marker.
_WANT = re.compile(
    rf"\b{_WE}{_ADVERB} (?:need|want|would (?:like|love)|could (?:use|really use)|require"
    r"|must have|have to have|struggle with|lack)\b|\b(?:we|i)'d (?:like|love)(?: to have)?\b"
    r"|\b(?:we|i)'?(?:re|m| are| am) (?:looking for|looking to|struggling with|missing"
    r"|hoping (?:for|to)|after|interested in|trying to)\b|\blooking for\b|\bmust[- ]have\b"
    rf"|\b{_WE}? ?(?:spend|spends|spending|waste|wastes|wasting|lose|loses|losing)"
    r" (?:\w+ ){0,3}(?:hours?|time|days?|minutes)(?: \w+){0,2}? (?:on|with|doing|in)\b"
    r"|\b(?:our|my|the) (?:main |biggest |big |key |current |real |top |number one )?(?:problem"
    r"|pain|challenge|issue|need|priority|goal|bottleneck|requirement|headache)s? (?:is|are"
    r"|was|would be)\b|\bwould (?:be (?:a bonus|nice|great|helpful|useful|a plus"
    r"|a (?:huge |big )?help)|help(?: us)?(?: a lot)?)\b"
    r"|\b(?:ajudaria|ayudaria)(?: muito| mucho)?\b"
    # pt
    r"|\b(?:precisamos|preciso|necessitamos|queremos|quero|gostariamos|buscamos|procuramos"
    r"|estamos (?:procurando|buscando|atras)|temos dificuldade|sofremos com|nos falta"
    r"|falta(?:m)?(?: nos)?|a gente (?:precisa|quer)|seria (?:bom|otimo|util) ter)"
    r"(?: muito| mesmo| tambem| de| com| em| uma?| o| a)*\b"
    r"|\b(?:perdemos|gastamos|perdem|gastam) (?:\w+ ){0,2}(?:horas|tempo|dias) (?:com|em|no|na"
    r"|nos|nas|fazendo)\b|\b(?:nosso|nossa|meu|minha) (?:maior |principal )?(?:problema|dor"
    r"|desafio|dificuldade|necessidade|prioridade|objetivo|gargalo) (?:e|sao|hoje e)\b"
    # es
    r"|\b(?:necesitamos|necesito|quiero|queremos|buscamos|estamos buscando|nos gustaria"
    r"|nos cuesta|nos hace falta|nos falta|nos vendria bien|tenemos (?:problemas|dificultades)"
    r" con)(?: mucho| tambien| de| con| en| una?| el| la)*\b"
    r"|\b(?:perdemos|gastamos|pierden|gastan) (?:\w+ ){0,2}(?:horas|tiempo|dias) (?:con|en"
    r"|haciendo)\b|\b(?:nuestro|nuestra|mi) (?:mayor |principal )?(?:problema|dolor|desafio"
    r"|reto|dificultad|necesidad|prioridad|objetivo) (?:es|son)\b"
    r"|\b(?:tarvitsemme|tarvitsen|haluamme|haluaisimme|etsimme|tarvitaan|tarvitsisimme"
    r"|meilta puuttuu|puuttuu|ongelma(?:mme)? on|haasteena on|haasteemme on)\b"
    r"|\b(?:menee|kuluu|haaskaantuu) (?:\w+ ){0,2}(?:aikaa|tunteja|tuntia|paivia)\b"
    # de
    r"|\b(?:wir (?:brauchen|benotigen|suchen|wollen|mochten|hatten gerne?|wunschen uns)"
    r"|brauchen wir|ich (?:brauche|suche|hatte gerne?)|uns fehl(?:t|en)|es fehlt(?: uns)?"
    r"|(?:unser|das|die) (?:grosste[sn]? |eigentliche[sn]? )?(?:problem|hauptproblem|thema"
    r"|ziel|schmerzpunkt|herausforderung|baustelle)\w* (?:ist|sind|war)|wichtig (?:ist|ware"
    r"|waere) (?:uns|mir)|es ware (?:toll|super|gut|hilfreich|schon)|hilfreich ware"
    r"|wir verlieren (?:\w+ ){0,3}(?:zeit|stunden|tage))\b"
    # fr
    r"|(?:\b(?:nous avons|on a|j'ai|on aurait|nous aurions) besoin(?: d'| de| du| des)?"
    r"|\bil nous (?:faut|faudrait)|\b(?:nous cherchons|on cherche|nous voulons|on veut"
    r"|nous aimerions|on aimerait|nous souhaitons|on souhaite|il nous manque|ce qui nous manque"
    r"|ce serait (?:bien|top|utile|genial|ideal))|\b(?:notre|le|la) (?:plus gros |plus grand "
    r"|principal |vrai |grand )?(?:probleme|souci|enjeu|objectif|besoin|defi|douleur)s? "
    r"(?:c'est|est|sont|serait)|\b(?:nous perdons|on perd) (?:\w+ ){0,3}(?:temps|heures"
    r"|jours))"
    # it
    r"|\b(?:abbiamo bisogno(?: di| d')?|ci serv(?:e|ono|irebbe|irebbero)|cerchiamo|stiamo"
    r" cercando|vorremmo|vogliamo|ci manca(?:no)?|mi serve|ho bisogno(?: di)?|sarebbe (?:utile"
    r"|bello|ottimo|fantastico)|(?:il nostro|il vero|il) (?:problema|obiettivo|bisogno|dolore"
    r"|punto dolente)(?: principale| piu grande)? (?:e|sono)|perdiamo (?:\w+ ){0,3}(?:tempo"
    r"|ore|giorni))\b"
)
# Markers of a pain in their own clause ("our lead scoring is a spreadsheet").
_PAIN = re.compile(
    r"\bmanual(?:ly)?\b|\bby hand\b|\bspreadsheets?\b|\bexcel\b|\bcopy(?:ing)? and past\w*"
    r"|\b(?:is|are) (?:a |such a |still )?(?:mess|nightmare|pain|chaos|broken|slow|painful)\b"
    r"|\b(?:it'?s|its|is) (?:really |very )?(?:hard|difficult|painful|impossible) to\b"
    r"|\btakes (?:us )?(?:too long|forever|hours|days)|\bwish (?:we|i) could\b|\bfrustrat\w*"
    r"|\b(?:nothing|doesn'?t|don'?t|does not|do not|never|won'?t) (?:\w+ )?(?:syncs?|integrates?"
    r"|talks? to|connects?|works?)\b|\bfall(?:s|ing)? through the cracks\b|\bno visibility\b"
    r"|\b(?:we|i) (?:can'?t|cannot|don'?t have|have no)\b|\bkeep (?:losing|missing|forgetting)"
    r"|\bmanualmente\b|\bna mao\b|\ba mano\b|\bplanilhas?\b|\bplanillas?\b|\bhojas? de calculo\b"
    r"|\b(?:e|esta|es) (?:muito |muy )?(?:dificil|complicado|trabalhoso|un caos|uma bagunca|lento)"
    r"|\bdemora(?:mos)?\b|\btarda(?:mos)? (?:mucho|demasiado)\b|\bnao conseguimos\b"
    r"|\bno podemos\b|\bnao temos como\b|\b(?:nobody|no one|ninguem|nadie)\b"
    r"|\b(?:nao|no) (?:se )?(?:integra|sincroniza|conecta|conversa)\w*"
    r"|\b(?:ongelma\w*|haaste\w*|kasin|kasityo\w*|excel\w*|taulukko\w*|kahteen kertaan)\b"
    r"|\b(?:manuell\w*|von hand|per hand|handisch|tabelle\w*|zweimal|doppelt|muhsam"
    r"|dauert ewig|nervig|manuellement|a la main|tableur\w*|deux fois|fastidieu\w*"
    r"|manualmente|a mano|fogli? (?:di calcolo|excel)|due volte|perdiamo tempo)\b"
)
# Words of trouble that make a sentence naming a capability a need ("the visits are written
# down nowhere"); too common to make a need out of any sentence on their own ("before I forget").
_TROUBLE = re.compile(
    r"\b(?:nirgends|nowhere|nobody|nadie|ninguem|personne ne|nessuno|kukaan ei|forget|forgot"
    r"|vergess\w*|oubli\w*|dimentic\w*|esquec\w*|olvid\w*|unohtu\w*|errors?|fehler\w*"
    r"|erreurs?|error[ei]|erros?|errores|virhe\w*|wrong|falsch\w*|sbagliat\w*|errad[oa]s?"
    r"|chaos|caos|bagunca|desorden|sotku\w*|painful|schwierig|difficile|dificil|vaikea\w*"
    r"|impossible|unmoglich|impossibile|imposible|mahdoton|waste|wasting|verschwend\w*"
    r"|gaspill\w*|spreco|sprechiamo|desperdic\w*|hukka\w*|double entry|nightmare|albtraum"
    r"|cauchemar|incubo|pesadelo|pesadilla|painajai\w*|frustrant\w*|frustrier\w*|no idea"
    r"|keine ahnung|aucune idee|nessuna idea|ni idea|nenhuma ideia|ei aavistusta|lose|losing"
    r"|lost|verlier\w*|verloren|perd\w*|pers[oie]|hukkaa\w*|ohne (?:system|uberblick)"
    r"|no visibility|keinen uberblick|aucune visibilite|nessuna visibilita)\b"
)
# The product's definitions are 3/4 and 1/3 of the stated needs; the rules miss some needs and
# hear some a person would not count, so the cut-offs that best match people's labels differ
# (chosen on examples/calls/dev).
_FULL_SHARE = 0.6
_PARTIAL_SHARE = 0.4
_SHORT_NO = re.compile(r"\W*(?:no|nein|non|nao|ei)\b")
# The prospect describing their own business: "we sell industrial automation" names no need.
_DESCRIBES_BUSINESS = re.compile(
    r"\b(?:we(?:'re| are) an?|we (?:sell|make|build|manufacture|distribute)|wir sind (?:ein|eine)"
    r"|wir (?:verkaufen|vertreiben|produzieren|stellen)|nous sommes (?:un|une)|nous (?:vendons"
    r"|fabriquons|distribuons)|on (?:vend|fabrique)|siamo (?:un|una)|(?:vendiamo|produciamo"
    r"|distribuiamo)|somos (?:um|uma|una?)|(?:vendemos|fabricamos|distribuimos)|me (?:ollaan"
    r"|olemme|myydaan|myymme|valmistetaan)|olemme)\b"
)
# Small talk and call logistics: "sorry, my camera is pointing at the wrong bit".
_SMALL_TALK = re.compile(
    r"\b(?:camera|kamera|microphone|mikro\w*|mute|stumm|muet|muto|audio|screen|bildschirm"
    r"|ecran|schermo|pantalla|naytto|weather|wetter|meteo|clima|football|fussball"
    r"|calcio|futebol|futbol|jalkapallo|holiday|urlaub|vacances|vacanze|ferias|vacaciones|loma)"
)
# A time, event or meeting, not a need: "we want it running before the kick-off".
_TIME_TALK = re.compile(
    r"\b(?:before|vor|avant|prima|antes|ennen|kick-?off|convention|convencao|convencion"
    r"|seminaire|seminar|meeting with|reunion con|board|conselho|consiglio|vorstand|hallitus)\b"
)
# A short answer that takes up what the rep just described: "that's exactly what we need".
_ANAPHORIC = re.compile(
    r"\b(?:exactly|that'?s what|this is what|genau das|genau so|c'est exactement|exactement ce"
    r"|esattamente|proprio quello|justo lo que|eso es (?:justo|exactamente)|exatamente|e isso"
    r"|juuri (?:sita|tata|niin)|sita tarvitaan|that would help|das wurde helfen|ca nous aiderait"
    r"|ci aiuterebbe|nos ayudaria|ajudaria|auttaisi|we need that|brauchen wir|il nous le faut"
    r"|ci serve|lo necesitamos|precisamos disso|tarvitsemme sita)\b"
)
# About the sale, money or timing, not the product: "I need to check with my boss".
_NOT_A_NEED = re.compile(
    r"\b(?:need|have|want|got) to (?:think|check|talk|discuss|confirm|get back|see|review|decide"
    r"|run it|ask|sleep on|pass|loop|involve|consult|share|wait)|\b(?:approval|sign-?off|budget"
    r"|orcamento|presupuesto|aprovacao|aprobacion|pensar|consultar|falar com|hablar con|numbers"
    r"|figures|finance|pricing|price|prices|cost|costs|quote|numeros|cifras|precio|preco|custo"
    r"|costo|financeiro|finanzas|contract|contrato|paperwork|preis\w*|kosten|vertrag\w*"
    r"|freigabe|entscheidung|zahlen|rucksprache|abstimmen|prix|cout\w*|contrat|validation"
    r"|decision|chiffres|reflechir|prezz\w*|costi|contratto|approvazione|decisione|numeri"
    r"|pensarci|hinta\w*|sopimu\w*|paatos\w*|soldi|geld|argent|dinheiro|dinero|raha\w*"
    r"|allocat\w*|money)\b"
)
# A capability the prospect rules out: "we don't need e-signature", "CRM haben wir schon".
_RULED_OUT = re.compile(
    r"\b(?:(?:we|i) (?:don'?t|do not|won'?t) (?:really )?need|no need for|(?:we|i) already"
    r" (?:have|use|got)|(?:is|are) (?:out of scope|not (?:a priority|relevant|needed|important)"
    r"|covered|already covered|sorted|handled)|not interested in|not looking for"
    r"|brauchen wir (?:nicht|kein)|(?:haben|nutzen) wir (?:schon|bereits)|wir haben (?:schon"
    r"|bereits)|ist (?:kein thema|nicht relevant|nicht notig|nicht wichtig|abgedeckt)"
    r"|pas besoin|on a deja|nous avons deja|n'est pas (?:une priorite|prioritaire|necessaire"
    r"|un sujet)|hors (?:du )?perimetre|ne nous interesse pas"
    r"|non ci serv\w*|non abbiamo bisogno|abbiamo gia|usiamo gia|non e (?:una priorita"
    r"|prioritario|necessario)|fuori (?:dal )?perimetro|non ci interessa"
    r"|ei tarvita|emme tarvitse|meilla on jo|ei ole tarpeen|ei kiinnosta"
    r"|nao precisamos|ja temos|ja usamos|fora do escopo|nao e prioridade"
    r"|no necesitamos|ya tenemos|ya usamos|fuera del alcance|no es prioridad"
    r"|no lo necesitamos|nao preciso|no necesito|non mi serve|brauche ich nicht|nao precisa"
    r"|non serve|no hace falta|nicht notig|pas necessaire|ei tarvitse|(?:we|i) (?:are |'re )?"
    r"(?:already )?using|already in place|works? (?:fine|well)|working (?:fine|well)"
    r"|funciona (?:bien|bem|muy bien|muito bem)|funktioniert (?:gut|prima)|fonctionne bien"
    r"|funziona (?:bene|benissimo)|toimii hyvin|ya (?:las |los |lo |la )?(?:sacamos|hacemos"
    r"|tenemos)|ja (?:fazemos|temos|usamos)|gia (?:lo |la |le |li )?(?:usiamo|facciamo|abbiamo)"
    r"|nutzen wir (?:schon|bereits)|machen wir (?:schon|bereits)|on l'a deja|nous l'avons deja"
    r"|je n'ai pas besoin|en tarvitse|not something we need|don'?t want|no queremos"
    r"|nao queremos|wollen wir nicht|ne voulons pas|non vogliamo|emme halua"
    r"|ei (?:meille )?sovi|passt (?:nicht|uns nicht)|ne (?:nous )?convient pas|non fa per noi"
    r"|no nos sirve|nao (?:nos )?serve|doesn'?t (?:fit|suit)|not (?:a fit|for us))\b"
)
# "We want it live by then": a pronoun object with timing words is the timeline speaking.
_TIMING_OBJECT = re.compile(
    r"^\W*(?:to have )?(?:it|this|that|isso|isto|lo|la|eso|esto)\b.{0,20}\b(?:live|done|running"
    r"|ready|in place|up|working|before|by|soon|funcionando|pronto|listo|antes|ate|hasta)\b"
)
# List separators inside a need's object, matched on lowercased text that keeps its accents
# (Portuguese "é" is a verb, "e" the conjunction): "X, Y and Z", "X y también Z", "X e de Y".
_SEPARATOR = re.compile(
    r"(?P<conj>,?\s+(?:and|plus|as well as|along with|y|e|ja|sekä)\s+(?:also\s+|também\s+"
    r"|también\s+|honestly\s+|maybe\s+|de\s+|com\s+|una?\s+|a\s+)*|,\s+(?:also|plus|também"
    r"|también)\s+)|,\s+"
)
_LIST_WORDS = 4
# Where an item's own clause ends: "a CRM integration so nobody copies notes around".
_ITEM_END = re.compile(r"\s+(?:so|because|since|porque|pois|para que|ya que)\s+")
_NEED_QUESTION = re.compile(
    r"\b(?:need|looking for|look for|challenge|problem|pain|priorit\w*|hoping|driving|prompted"
    r"|goal|help with|solve|precisa\w*|procura\w*|busca\w*|desafio|problema|prioridade\w*"
    r"|necesita\w*|necesidad\w*|objetivo|ayudar|ajudar|tarvit\w*|brauch\w*|such\w*"
    r"|herausforderung\w*|ziel\w*|besoin\w*|cherch\w*|probleme\w*|enjeu\w*|bisogn\w*"
    r"|cerca\w*|obiettiv\w*|esigenz\w*|ongelm\w*|haaste\w*)\b"
)


@dataclass(frozen=True)
class _Need:
    statement: Statement
    items: tuple[set[str], ...]  # the stems of each need the sentence names


def _list_items(text: str) -> list[str]:
    """The items of the list that opens `text`: pieces joined by conjunctions, or by commas
    while a conjunction still follows ("A, B and C, the whole chain" -> A, B, C)."""
    pieces: list[str] = []
    cursor, joined = 0, True
    separators = list(_SEPARATOR.finditer(text))
    for index, separator in enumerate([*separators, None]):
        if not joined:
            break
        stop = separator.start() if separator else len(text)
        pieces.append(_ITEM_END.split(text[cursor:stop], maxsplit=1)[0])
        if separator is not None:
            cursor = separator.end()
            later = separators[index:]
            # A comma joins an item only in a list still going and while pieces stay short
            # ("A, B and C"); "X, the patients call by phone and ..." is a new clause.
            piece = text[cursor : (later[1].start() if len(later) > 1 else len(text))]
            short = len(piece.split()) <= _LIST_WORDS
            joined = bool(separator["conj"]) or (short and any(s["conj"] for s in later))
    return pieces


def _clause_at(text: str, start: int, end: int) -> str:
    """The clause around text[start:end], between commas or conjunctions."""
    bounds = [(m.start(), m.end()) for m in _SEPARATOR.finditer(text)]
    begin = max([b for _, b in bounds if b <= start], default=0)
    return text[begin : min([a for a, _ in bounds if a >= end], default=len(text))]


def _items(text: str, folded: str) -> list[set[str]] | None:
    """Each stated need of a sentence as stems; None when it states no need."""
    lowered = text.lower() if len(text.lower()) == len(text) else folded
    if _NOT_A_NEED.search(folded) or _RULED_OUT.search(folded):
        return None
    want = _WANT.search(folded)
    if want and not _TIMING_OBJECT.match(folded[want.end() :]):
        items = [stems(item) for item in _list_items(lowered[want.end() :])]
        items = [item for item in items if item]
        # "Call transcription would be a bonus": the need comes before its marker.
        items = items or [stems(_clause_at(lowered, want.start(), want.end()))]
        if items[0]:
            return items
    if _PAIN.search(folded):
        # A pain names its subject anywhere in the sentence: one item, the whole sentence.
        item = stems(text)
        return [item] if item else None
    return None


def _questions_before(reading: Reading, statement: Statement) -> list[Sentence]:
    return [s for s in reading.previous_turn(statement.sentence) if s.is_question]


def _answers_need_question(reading: Reading, statement: Statement) -> bool:
    return reading.asked(statement.sentence, _NEED_QUESTION)


def _about_money_or_time(statement: Statement) -> bool:
    sentence = statement.sentence
    return bool(find_money(sentence.folded) or find_when(sentence.folded, sentence.text, None))


def _stated_needs(reading: Reading, wanted: list[set[str]]) -> list[_Need]:
    needs: list[_Need] = []
    for statement in reading.statements:
        items = _items(statement.sentence.text, statement.sentence.folded)
        if items and _PAIN.search(statement.sentence.folded):
            # "It doesn't integrate with anything" answering "and your CRM?": the question
            # names what the pain is about.
            topic = {w for q in _questions_before(reading, statement) for w in stems(q.text)}
            items = [item | topic for item in items]
        if items is None and _answers_need_question(reading, statement):
            # "Mostly lead scoring." answering "what are you looking for?"
            named = stems(statement.sentence.text)
            if any(covers(capability, named) for capability in wanted):
                items = [named]
        if items and all(n.statement.sentence != statement.sentence for n in needs):
            needs.append(_Need(statement, tuple(items)))
    return needs


def _mentions(
    reading: Reading, wanted: dict[str, set[str]]
) -> tuple[dict[str, Statement], set[str]]:
    """Capabilities the prospect names as wanted or painful (with the first statement that
    does), and those they rule out ("we already have e-signature", "brauchen wir nicht")."""
    named: dict[str, Statement] = {}
    ruled_out: set[str] = set()
    for statement in reading.statements:
        sentence = statement.sentence
        said = stems(sentence.text)
        hits = [name for name, capability in wanted.items() if covers(capability, said)]
        if not hits and _ANAPHORIC.search(sentence.folded) and len(said) <= 3:
            # "That's exactly what we need" after the rep described a capability.
            before = {w for s in reading.previous_turn(sentence) for w in stems(s.text)}
            hits = [name for name, capability in wanted.items() if covers(capability, before)]
            if hits:
                for name in hits:
                    named.setdefault(name, statement)
                continue
        if not hits:
            continue
        if len(sentence.folded.split()) <= 4 and _SHORT_NO.match(sentence.folded):
            ruled_out.update(hits)  # "No, chat no."
            continue
        if _RULED_OUT.search(sentence.folded):
            ruled_out.update(hits)
            continue
        if _NOT_A_NEED.search(sentence.folded) or find_money(sentence.folded):
            continue
        if _DESCRIBES_BUSINESS.search(sentence.folded) and not _PAIN.search(sentence.folded):
            continue
        marked = bool(
            _WANT.search(sentence.folded)
            or _PAIN.search(sentence.folded)
            or _TROUBLE.search(sentence.folded)
        )
        if marked or _answers_need_question(reading, statement) or not sentence.is_question:
            for name in hits:
                named.setdefault(name, statement)
    return named, ruled_out


# The vendor saying a need is outside the product: "invoicing isn't something we do".
_NOT_OFFERED = re.compile(
    r"\b(?:we (?:don'?t|do not) (?:do|offer|have|support|sell|provide)|(?:isn'?t|not) something we"
    r"|outside (?:of )?what we do|not part of (?:our|the) (?:product|platform|offer)|that'?s not us"
    r"|machen wir (?:leider )?nicht|bieten wir (?:leider )?nicht|haben wir (?:leider )?nicht im"
    r"|gehort nicht zu|nous ne (?:faisons|proposons|couvrons) pas|ne fait pas partie"
    r"|on ne (?:fait|propose) pas|non (?:lo |la |li |le )?(?:facciamo|offriamo|copriamo)"
    r"|non fa parte|no (?:lo |la )?(?:hacemos|ofrecemos|cubrimos)|no es parte de"
    r"|nao (?:o |a )?(?:fazemos|oferecemos)|nao faz parte|emme (?:tee|tarjoa)|ei kuulu)"
)
_LIST_JOIN = re.compile(r",\s|\s(?:and|or|und|oder|et|ou|e|o|y|ja|tai|sowie)\s")


def _declined(reading: Reading) -> int:
    """How many needs the vendor's people say the product does not cover."""
    count = 0
    for sentence in reading.sentences:
        if sentence.role != INTERNAL or not _NOT_OFFERED.search(sentence.folded):
            continue
        # "Tourenplanung, Aufmaß und Spesen machen wir nicht": three needs declined at once.
        count += min(1 + len(_LIST_JOIN.findall(sentence.folded)), 3)
    return count


def find_need(reading: Reading, capabilities: list[str]) -> Finding:
    """How well the lead's stated needs match `capabilities`: the capabilities they ask for
    against everything they ask for, with the needs as quotes."""
    wanted = {capability: stems(capability) for capability in capabilities}
    named, ruled_out = _mentions(reading, wanted)
    covered = {name: statement for name, statement in named.items() if name not in ruled_out}
    # Needs no capability covers: each different one counts once.
    outside: list[_Need] = []
    for need in _stated_needs(reading, list(wanted.values())):
        items = [
            i for i in need.items if not any(covers(c, i) or related(c, i) for c in wanted.values())
        ]
        if not items or _about_money_or_time(need.statement):
            continue
        folded = need.statement.sentence.folded
        if _ANAPHORIC.search(folded):
            continue  # "that's what we need": about what the rep said, counted above
        if _SMALL_TALK.search(folded) or _TIME_TALK.search(folded) or len(folded.split()) < 5:
            continue
        if any(related(item, other) for other in (o.items[0] for o in outside) for item in items):
            continue
        outside.append(_Need(need.statement, tuple(items[:1])))
    if not covered and not outside:
        return Finding(NeedAnswer())
    statements = list(covered.values()) + [n.statement for n in outside]
    evidence = list({e.quote: e for s in statements[:6] for e in s.evidence()}.values())
    stated = list(dict.fromkeys(s.sentence.text for s in statements))
    if not capabilities:
        answer = NeedAnswer(stated_needs=stated, evidence=evidence)
        note = "need: no product capabilities configured to match against"
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.3, note)
    outside_count = max(len(outside), _declined(reading))
    share = len(covered) / (len(covered) + outside_count)
    level = (
        NeedLevel.FULL
        if share >= _FULL_SHARE
        else NeedLevel.PARTIAL
        if share >= _PARTIAL_SHARE
        else NeedLevel.LOW
    )
    answer = NeedAnswer(level=level, stated_needs=stated, evidence=evidence)
    return Finding(answer, FieldStatus.FOUND, 0.75 if len(covered) + len(outside) > 1 else 0.6)
