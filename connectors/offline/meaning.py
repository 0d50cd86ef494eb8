"""Meaning-bearing words of a need or a capability, compared loosely across en/pt/es (some fi).

Words are folded (case and accents away), a small glossary maps common business words of
Portuguese, Spanish and Finnish onto English ones ("relatórios" -> report, "agendamento" ->
schedul), and stems are compared by shared prefix, so "score" meets "scoring" and "integração"
meets "integration". A capability's words are strong (specific: "scoring", "CRM", "Slack") or
weak (generic: "meeting", "integration", "sales"): a need covers a capability when it shares
half of its strong words, or all of its words when none is strong. That keeps "the board
meeting" from matching "meeting scheduling" while "nothing syncs with the CRM" matches "CRM sync".
"""

from __future__ import annotations

import re
from functools import lru_cache

from connectors.offline.reading import fold

_STOPWORD_LINES = (
    "a an the and or but of to in on at for with from by as is are was be been it its this that",
    "these those we i you they our my your their us me need needs want would like really also",
    "still just looking look for have has had do does don't can can't cannot more better some",
    "any lot lots very so much many too get got make way able currently right now today problem",
    "problems issue issues challenge pain hard difficult struggle struggling biggest main big",
    "help helps tool tools system solution something thing things stuff e o os as um uma de da",
    "do das dos em no na nos nas para por com que se mais muito muita precisamos preciso",
    "queremos quero nosso nossa meu minha problema dificuldade desafio hoje ter temos fazer el",
    "la los las un una del en con por para que necesitamos necesito queremos quiero nuestro",
    "nuestra mi muy tenemos hacer hoy ja on se me ei mutta tarvitsemme haluamme",
    "honestly proper nice nicer good great whole all everything every nothing nobody around",
    "know knew known think thought say said tell told going went come see look made take took",
    "give gave yeah okay sure far mean means kind sort guess bit actually maybe probably",
    "also too tambem tambien bien bom boa mejor melhor todo tudo toda usar use using",
    # Time words: "we need it live in 3 months" is a timeline, not a need.
    "day days week weeks month months quarter year years dia dias semana semanas mes meses",
    "trimestre ano anos live asap soon next proximo proxima before after antes depois despues",
    # de
    "der die das den dem des ein eine einen einem einer und oder aber wir ihr sie ich es ist",
    "sind war haben hat mit fur von zu zum zur bei auf aus nach uber unter noch schon auch nur",
    "mehr sehr viel viele alle alles jetzt heute immer wirklich brauchen brauchen suchen wollen",
    "mochten unser unsere unseren unserem unserer mein meine problem thema ziel gut besser",
    "neue neuen tool tools system losung software leute mal halt eigentlich etwas ganz",
    # fr
    "le la les un une des du de d l et ou mais nous vous ils elle je on est sont avons avec",
    "pour par sur dans au aux ce cette ces qui que tres plus tout tous toute besoin cherchons",
    "voulons aimerions notre nos mon ma mes probleme outil outils systeme solution logiciel",
    "vraiment aujourd hui aussi deja encore bien mieux",
    # it
    "il lo gli i le un uno una di del della dei delle da dal dalla in nel nella con per su",
    "e o ma noi voi loro io abbiamo siamo sono molto piu tutto tutti tutte bisogno cerchiamo",
    "vogliamo vorremmo nostro nostra nostri nostre mio mia problema strumento strumenti sistema",
    "soluzione software davvero oggi anche gia ancora bene meglio serve servirebbe",
    # fi
    "ja tai mutta me te he mina se on ovat meilla meidan teidan etta kuin myos viela jo nyt",
    "todella paljon kaikki tarvitsemme haluamme ongelma tyokalu jarjestelma ratkaisu",
)
STOPWORDS = frozenset(word for line in _STOPWORD_LINES for word in line.split())
# Whole folded words mapped onto English stems.
_GLOSSARY = {
    **dict.fromkeys(["relatorio", "informe", "reporte", "raportti"], "report"),
    **dict.fromkeys(["painel", "paineis", "tablero", "tableros"], "dashboard"),
    **dict.fromkeys(["correo", "correos", "email", "mail", "mails"], "email"),
    **dict.fromkeys(["agendamento", "agenda", "agendar", "agendamiento", "booking"], "schedul"),
    **dict.fromkeys(["programacion", "programar", "marcar", "book"], "schedul"),
    **dict.fromkeys(["calendario"], "calendar"),
    **dict.fromkeys(["fatura", "factura"], "invoice"),
    **dict.fromkeys(["cliente"], "customer"),
    **dict.fromkeys(["vendas", "ventas", "venda", "venta"], "sales"),
    **dict.fromkeys(["pagamento", "pago"], "payment"),
    **dict.fromkeys(["estoque", "inventario"], "inventory"),
    **dict.fromkeys(["previsao", "pronostico"], "forecast"),
    **dict.fromkeys(["analise", "analisis"], "analytic"),
    **dict.fromkeys(["rastreamento", "seguimiento", "acompanhamento"], "track"),
    **dict.fromkeys(["funil", "embudo"], "pipeline"),
    **dict.fromkeys(["equipe", "equipo"], "team"),
    **dict.fromkeys(["tarefa", "tarea"], "task"),
    **dict.fromkeys(["mensagem", "mensaje"], "message"),
    **dict.fromkeys(["pontuacao", "puntuacion", "puntaje", "score", "scores"], "scoring"),
    **dict.fromkeys(["chamada", "ligacao", "ligacoes", "llamada"], "call"),
    **dict.fromkeys(["reuniao", "reunioes", "reunion", "reuniones"], "meeting"),
    **dict.fromkeys(["cobranca", "cobranza"], "billing"),
    **dict.fromkeys(["seguranca", "seguridad"], "security"),
    **dict.fromkeys(["usuario"], "user"),
    **dict.fromkeys(["suporte", "soporte", "atendimento"], "support"),
    **dict.fromkeys(["planilha", "planilla"], "spreadsheet"),
    **dict.fromkeys(["contrato"], "contract"),
    **dict.fromkeys(["integracao", "integracion", "integrar"], "integrat"),
    **dict.fromkeys(["automacao", "automatizacion", "automatizar"], "automat"),
    **dict.fromkeys(["alert", "alerts", "alerta", "alertas", "aviso", "avisos"], "notif"),
    **dict.fromkeys(["transcricao", "transcrever", "transcribir", "transcribe"], "transcri"),
    **dict.fromkeys(["sincronizar", "sincronizacao", "sincronizacion"], "sync"),
}
# Parts of compound words (German, Finnish) and word families of German, French and Italian:
# a word containing one counts as that stem ("Leadbewertung" -> lead, scoring).
_CONTAINS = (
    ("bewert", "scoring"),
    ("priorisier", "scoring"),
    ("priorizz", "scoring"),
    ("hierarchis", "scoring"),
    ("punteggi", "scoring"),
    ("notation", "scoring"),
    ("scor", "scoring"),
    ("qualifi", "scoring"),
    ("interessent", "lead"),
    ("prospect", "lead"),
    ("liidi", "lead"),
    ("lead", "lead"),
    ("crm", "crm"),
    ("synchron", "sync"),
    ("sincroniz", "sync"),
    ("synkron", "sync"),
    ("abgleich", "sync"),
    ("sahkoposti", "email"),
    ("courriel", "email"),
    ("mail", "email"),
    ("sequen", "sequenc"),
    ("cadence", "sequenc"),
    ("kadenz", "sequenc"),
    ("nachfass", "sequenc"),
    ("relance", "sequenc"),
    ("follow", "sequenc"),
    ("aufzeichn", "record"),
    ("aufnahm", "record"),
    ("mitschnitt", "record"),
    ("enregistr", "record"),
    ("registraz", "record"),
    ("registrar", "record"),
    ("nauhoit", "record"),
    ("tallenn", "record"),
    ("gravac", "record"),
    ("gravar", "record"),
    ("grabac", "record"),
    ("anruf", "call"),
    ("telefon", "call"),
    ("gesprach", "call"),
    ("appel", "call"),
    ("chiamat", "call"),
    ("puhelu", "call"),
    ("prognos", "forecast"),
    ("prevision", "forecast"),
    ("previsio", "forecast"),
    ("ennust", "forecast"),
    ("hochrechn", "forecast"),
    ("forecast", "forecast"),
    ("pipeline", "pipeline"),
    ("trichter", "pipeline"),
    ("entonnoir", "pipeline"),
    ("funnel", "pipeline"),
    ("imbuto", "pipeline"),
    ("putk", "pipeline"),
    ("gebiet", "territor"),
    ("territo", "territor"),
    ("secteur", "territor"),
    ("angebot", "quot"),
    ("devis", "quot"),
    ("preventiv", "quot"),
    ("tarjou", "quot"),
    ("cotac", "quot"),
    ("cotiz", "quot"),
    ("quot", "quot"),
    ("unterschr", "sign"),
    ("signat", "sign"),
    ("allekirjoit", "sign"),
    ("assinatura", "sign"),
    ("sottoscri", "sign"),
    ("termin", "schedul"),
    ("rendez", "schedul"),
    ("appuntament", "schedul"),
    ("kalender", "calendar"),
    ("calend", "calendar"),
    ("besprech", "meeting"),
    ("riunion", "meeting"),
    ("tapaami", "meeting"),
    ("chat", "chat"),
    ("routing", "assign"),
    ("assign", "assign"),
    ("tour", "route"),
    ("rout", "route"),
    ("rota", "route"),
    ("ruta", "route"),
    ("percors", "route"),
    ("itinera", "route"),
    ("reitti", "route"),
    ("fahrt", "route"),
    ("besuch", "visit"),
    ("visit", "visit"),
    ("kaynti", "visit"),
    ("kaynni", "visit"),
    ("zona", "territor"),
    ("zone", "territor"),
    ("region", "territor"),
    ("alue", "territor"),
    ("offline", "offline"),
    ("sem rede", "offline"),
    ("funkloch", "offline"),
    ("kein netz", "offline"),
    ("provvigion", "commission"),
    ("palkkio", "commission"),
    ("cuota", "quota"),
    ("zielvorgab", "quota"),
    ("rangliste", "leaderboard"),
    ("classifica", "leaderboard"),
    ("classement", "leaderboard"),
    ("coaching", "coaching"),
    ("schulung", "coaching"),
    ("formation", "coaching"),
    ("formazione", "coaching"),
    ("treinament", "coaching"),
    ("capacita", "coaching"),
    ("whatsapp", "whatsapp"),
    ("vorlage", "templat"),
    ("modele", "templat"),
    ("modell", "templat"),
    ("plantilla", "templat"),
    ("templat", "templat"),
    ("freigab", "approval"),
    ("genehmig", "approval"),
    ("approb", "approval"),
    ("aprova", "approval"),
    ("hyvaksy", "approval"),
    ("katalog", "catalog"),
    ("catalog", "catalog"),
    ("luettelo", "catalog"),
    ("linkedin", "linkedin"),
    ("verteil", "assign"),
    ("zuweis", "assign"),
    ("zuteil", "assign"),
    ("reparti", "assign"),
    ("attribu", "assign"),
    ("assegn", "assign"),
    ("asign", "assign"),
    ("atribu", "assign"),
    ("distribu", "assign"),
    ("kavija", "visitor"),
    ("risiko", "risk"),
    ("risque", "risk"),
    ("rischio", "risk"),
    ("risco", "risk"),
    ("riesgo", "risk"),
    ("riski", "risk"),
    ("churn", "risk"),
    ("kundigung", "risk"),
    ("abwander", "risk"),
    ("lohn", "payroll"),
    ("gehalt", "payroll"),
    ("paie", "payroll"),
    ("folha de pagamento", "payroll"),
    ("nomina", "payroll"),
    ("palkanlask", "payroll"),
    ("stipendi", "payroll"),
    ("aktivit", "activit"),
    ("activit", "activit"),
    ("attivit", "activit"),
    ("atividad", "activit"),
    ("actividad", "activit"),
    ("aktiviteet", "activit"),
    ("offert", "quot"),
    ("proposta", "quot"),
    ("dialer", "dial"),
    ("dialler", "dial"),
    ("wahl", "dial"),
    ("compon", "dial"),
    ("composer", "dial"),
    ("marcad", "dial"),
    ("discador", "dial"),
    ("soitto", "call"),
    ("ligac", "call"),
    ("llamad", "call"),
    ("anreicher", "enrich"),
    ("enrichi", "enrich"),
    ("arricch", "enrich"),
    ("rikast", "enrich"),
    ("enriquec", "enrich"),
    ("provision", "commission"),
    ("commission", "commission"),
    ("provisio", "commission"),
    ("comiss", "commission"),
    ("comision", "commission"),
    ("bericht", "report"),
    ("rapport", "report"),
    ("auswert", "report"),
    ("dashboard", "dashboard"),
    ("cruscott", "dashboard"),
    ("kojelaut", "dashboard"),
    ("transkri", "transcri"),
    ("notiz", "note"),
    ("muistiinpan", "note"),
    ("automati", "automat"),
    ("automaz", "automat"),
    ("automaa", "automat"),
    ("schnittstell", "integrat"),
    ("rechnung", "invoice"),
    ("factur", "invoice"),
    ("fattur", "invoice"),
    ("lasku", "invoice"),
    ("vertrag", "contract"),
    ("contrat", "contract"),
    ("sopimu", "contract"),
)
# Finnish inflects by suffix: stems mapped by prefix ("liidien" -> lead).
_PREFIX_GLOSSARY = (
    # One concept across languages: ranking or qualifying leads is scoring them.
    ("prioriti", "scoring"),
    ("prioriz", "scoring"),
    ("ranking", "scoring"),
    ("qualif", "scoring"),
    ("calific", "scoring"),
    ("pisteyt", "scoring"),
    ("integraat", "integrat"),
    ("kokou", "meeting"),
    ("palaveri", "meeting"),
    ("aikatau", "schedul"),
    ("litteroi", "transcri"),
    ("raport", "report"),
    ("ilmoitu", "notif"),
    ("myyn", "sales"),
)
# Generic words: they never decide a match on their own ("the board meeting").
_WEAK = (
    "integrat sync manag automat tool platform software system data notif meeting call team",
    "customer sales lead user process workflow service app application solution feature",
    "communicat message better new online digital support track generat plan templat",
    "widget analy alert messag outreach detect identif export build performanc statement",
    "email web mobile list contact form website site webseite sitio sito",
)
_WEAK_STEMS = tuple(word for line in _WEAK for word in line.split())
# Too generic even to make two needs related ("a new tool" and "CRM tool").
_GENERIC = frozenset(
    word
    for line in (
        "tool platform software system data app application solution feature service",
        "team process new better online digital user automat integrat sync manag",
    )
    for word in line.split()
)
_WORD = re.compile(r"[a-z0-9]+")


def _canonical(word: str) -> str:
    if word in _GLOSSARY:
        return _GLOSSARY[word]
    single = word[:-1] if len(word) > 4 and word.endswith("s") else word
    if single in _GLOSSARY:
        return _GLOSSARY[single]
    for prefix, stem in _PREFIX_GLOSSARY:
        if word.startswith(prefix):
            return stem
    return single


@lru_cache(maxsize=16384)
def _canonicals(word: str) -> frozenset[str]:
    if word in _GLOSSARY or (len(word) > 4 and word.endswith("s") and word[:-1] in _GLOSSARY):
        return frozenset({_canonical(word)})
    parts: set[str] = set()
    taken: list[tuple[int, int]] = []
    for part, stem in _CONTAINS:
        at = word.find(part)
        # First listed wins where two overlap: "routing" is assigning leads, not a route.
        if at >= 0 and all(at + len(part) <= a or b <= at for a, b in taken):
            parts.add(stem)
            taken.append((at, at + len(part)))
    return frozenset(parts or {_canonical(word)})


def stems(text: str) -> set[str]:
    """The meaning-bearing word stems of `text` (folded, glossary-mapped, no stopwords)."""
    words = _WORD.findall(fold(text).replace("e-mail", "email"))
    found = {stem for w in words if len(w) > 2 and w not in STOPWORDS for stem in _canonicals(w)}
    return found - STOPWORDS


def alike(a: str, b: str) -> bool:
    """True for two forms of one word: "score"/"scoring", "integracao"/"integration"."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 4 and long.startswith(short):
        return True
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(short))
    return (common >= 6 and common >= 0.6 * len(short)) or (
        common >= 4 and common >= 0.8 * len(short)
    )


@lru_cache(maxsize=4096)
def _weak(word: str) -> bool:
    return any(alike(word, weak) for weak in _WEAK_STEMS)


def covers(capability: set[str], need: set[str]) -> bool:
    """True when a need's stems cover a capability's (see the module docstring)."""
    if not capability:
        return False
    strong = {word for word in capability if not _weak(word)}
    required = strong or capability
    shared = sum(1 for word in required if any(alike(word, other) for other in need))
    if strong:
        return shared >= 1 and shared * 2 >= len(strong)
    return shared == len(required)


def related(capability: set[str], need: set[str]) -> bool:
    """True when a need shares a non-generic word with a capability without being covered:
    "qualifying leads by hand" and "lead scoring" are about the same thing, partly."""
    specific = [word for word in capability if not any(alike(word, g) for g in _GENERIC)]
    return any(alike(word, other) for word in specific for other in need)
