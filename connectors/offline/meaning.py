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
    "also too tambem tambien bien bom boa mejor melhor todo tudo toda usar use using",
    # Time words: "we need it live in 3 months" is a timeline, not a need.
    "day days week weeks month months quarter year years dia dias semana semanas mes meses",
    "trimestre ano anos live asap soon next proximo proxima before after antes depois despues",
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
# Finnish inflects by suffix: stems mapped by prefix ("liidien" -> lead).
_PREFIX_GLOSSARY = (
    # One concept across languages: ranking or qualifying leads is scoring them.
    ("prioriti", "scoring"),
    ("prioriz", "scoring"),
    ("ranking", "scoring"),
    ("qualif", "scoring"),
    ("calific", "scoring"),
    ("liidi", "lead"),
    ("pisteyt", "scoring"),
    ("integraat", "integrat"),
    ("kokou", "meeting"),
    ("palaveri", "meeting"),
    ("aikatau", "schedul"),
    ("puhelu", "call"),
    ("litteroi", "transcri"),
    ("raport", "report"),
    ("ilmoitu", "notif"),
    ("myyn", "sales"),
)
# Generic words: they never decide a match on their own ("the board meeting").
_WEAK = (
    "integrat sync manag automat tool platform software system data notif meeting call team",
    "customer sales lead user process workflow service app application solution feature",
    "communicat message better new online digital support track",
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


def stems(text: str) -> set[str]:
    """The meaning-bearing word stems of `text` (folded, glossary-mapped, no stopwords)."""
    words = _WORD.findall(fold(text).replace("e-mail", "email"))
    return {_canonical(w) for w in words if len(w) > 2 and w not in STOPWORDS} - STOPWORDS


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
