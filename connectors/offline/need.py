"""Need: the pains and needs the lead states, matched against the product's capabilities.

A stated need is a sentence of the lead's with a need or pain marker ("we need", "our biggest
problem", "precisamos", "nos cuesta", "manually"). It matches a capability when they share
enough content words (stems compared loosely, accents and case ignored; a few common business
words are mapped across English, Portuguese and Spanish). The level is the share of stated
needs that some capability covers: most -> full, some -> partial, few or none -> low.
"""

from __future__ import annotations

import re

from connectors.offline.money import find_money
from connectors.offline.reading import Finding, Reading, Statement, fold
from connectors.offline.when import find_when
from scoring.bant import NeedAnswer, NeedLevel
from scoring.extraction import FieldStatus

_MARKER = re.compile(
    r"\b(?:we|i)(?: really| also| still| just| definitely| urgently)? (?:need|want|would like"
    r"|require|must have|have to|struggle|lack|spend (?:too much|hours|a lot|days))"
    r"|\b(?:we|i)'?(?:re|m| are| am) (?:looking|struggling|trying|missing)|\b(?:we|i)'d like"
    r"|\b(?:we|i) (?:can'?t|cannot|don'?t have)|\blooking for\b|\bmust[- ]have\b"
    r"|\b(?:our|my) (?:main |biggest |big |key |current |real )?(?:problem|pain|challenge|issue"
    r"|need|priority|goal|bottleneck|requirement)s?\b|\b(?:it'?s|its|is) (?:really )?(?:hard"
    r"|difficult|painful|a pain|a nightmare) to\b|\btakes (?:us )?(?:too long|forever|hours|days)"
    r"|\bmanual(?:ly)?\b|\bwish (?:we|i) could\b"
    r"|\b(?:precisamos|preciso|necessitamos|queremos|quero|gostariamos|buscamos|procuramos"
    r"|estamos (?:procurando|buscando)|temos dificuldade|nao conseguimos|sofremos|falta)\b"
    r"|\b(?:nosso|nossa|meu|minha) (?:maior |principal )?(?:problema|dor|desafio|dificuldade"
    r"|necessidade|prioridade|objetivo|gargalo)\b|\b(?:e|esta) (?:muito )?(?:dificil|complicado"
    r"|trabalhoso)\b|\bmanualmente\b|\bdemora\b|\bperdemos (?:muito )?tempo\b"
    r"|\b(?:necesitamos|necesito|quiero|estamos buscando|nos gustaria|nos cuesta|no podemos"
    r"|nos falta|tenemos (?:problemas|dificultades))\b|\b(?:nuestro|nuestra|mi) (?:mayor "
    r"|principal )?(?:problema|dolor|desafio|reto|dificultad|necesidad|prioridad|objetivo)\b"
    r"|\bperdemos (?:mucho )?tiempo\b|\btarda(?:mos)? (?:mucho|demasiado)\b"
    r"|\b(?:tarvitsemme|tarvitsen|haluamme|haluaisimme|etsimme|ongelma\w*|haaste\w*)\b"
)
# Needs that are about the sale itself, not the product: "I need to check with my boss".
_NOT_A_NEED = re.compile(
    r"\b(?:need|have|want) to (?:think|check|talk|discuss|confirm|get back|see|review|decide"
    r"|run it|ask|sleep on)|\b(?:approval|sign-?off|budget|orcamento|presupuesto|aprovacao"
    r"|aprobacion|pensar|consultar|falar com|hablar con)\b"
)
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
    # Time words: "we need it live in 3 months" is a timeline, not a need.
    "day days week weeks month months quarter year years dia dias semana semanas mes meses",
    "trimestre ano anos live asap soon next proximo proxima",
)
_STOPWORDS = frozenset(word for line in _STOPWORD_LINES for word in line.split())
# A few common business words across languages, so "relatórios" meets "reporting".
_GLOSSARY = {
    "relatorio": "report",
    "relatorios": "report",
    "informe": "report",
    "informes": "report",
    "reporte": "report",
    "reportes": "report",
    "raportti": "report",
    "painel": "dashboard",
    "paineis": "dashboard",
    "tablero": "dashboard",
    "tableros": "dashboard",
    "correo": "email",
    "correos": "email",
    "agendamento": "schedul",
    "agenda": "schedul",
    "agendar": "schedul",
    "calendario": "calendar",
    "fatura": "invoice",
    "faturas": "invoice",
    "factura": "invoice",
    "facturas": "invoice",
    "cliente": "customer",
    "clientes": "customer",
    "vendas": "sales",
    "ventas": "sales",
    "pagamento": "payment",
    "pagamentos": "payment",
    "pago": "payment",
    "pagos": "payment",
    "estoque": "inventory",
    "inventario": "inventory",
    "previsao": "forecast",
    "pronostico": "forecast",
    "analise": "analytic",
    "analisis": "analytic",
    "rastreamento": "track",
    "seguimiento": "track",
    "acompanhamento": "track",
    "funil": "pipeline",
    "embudo": "pipeline",
    "equipe": "team",
    "equipo": "team",
    "tarefa": "task",
    "tarefas": "task",
    "tarea": "task",
    "tareas": "task",
    "mensagem": "message",
    "mensagens": "message",
    "mensaje": "message",
    "mensajes": "message",
    "pontuacao": "scoring",
    "puntuacion": "scoring",
    "puntaje": "scoring",
    "chamada": "call",
    "chamadas": "call",
    "ligacao": "call",
    "ligacoes": "call",
    "llamada": "call",
    "llamadas": "call",
    "reuniao": "meeting",
    "reunioes": "meeting",
    "reunion": "meeting",
    "reuniones": "meeting",
    "cobranca": "billing",
    "cobranza": "billing",
    "seguranca": "security",
    "seguridad": "security",
    "usuario": "user",
    "usuarios": "user",
    "suporte": "support",
    "soporte": "support",
    "atendimento": "support",
    "planilha": "spreadsheet",
    "planilhas": "spreadsheet",
    "contrato": "contract",
    "contratos": "contract",
    "integracao": "integration",
    "integracion": "integration",
    "automacao": "automation",
    "automatizacion": "automation",
    "automatizar": "automat",
    "e-mail": "email",
    "e-mails": "email",
}
_WORD = re.compile(r"[a-z0-9][a-z0-9-]*")


def _stems(text: str) -> set[str]:
    words = (_GLOSSARY.get(word, word) for word in _WORD.findall(fold(text)))
    return {w.rstrip("s") if len(w) > 4 else w for w in words if len(w) > 2} - _STOPWORDS


def _alike(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 4 and long.startswith(short):
        return True
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(short))
    return common >= 6 and common >= 0.6 * len(short)


def _covers(capability: set[str], need: set[str]) -> bool:
    shared = sum(1 for word in capability if any(_alike(word, other) for other in need))
    return bool(capability) and shared * 2 >= len(capability)


def _stated_needs(reading: Reading) -> list[Statement]:
    needs: list[Statement] = []
    for statement in reading.statements:
        folded = statement.sentence.folded
        is_need = _MARKER.search(folded) and not _NOT_A_NEED.search(folded)
        if is_need and _stems(statement.sentence.text) and statement not in needs:
            needs.append(statement)
    return needs


def _about_money_or_time(statement: Statement) -> bool:
    sentence = statement.sentence
    return bool(find_money(sentence.folded) or find_when(sentence.folded, sentence.text, None))


def find_need(reading: Reading, capabilities: list[str]) -> Finding:
    """How well the lead's stated needs match `capabilities`, with the needs as quotes."""
    wanted = [_stems(capability) for capability in capabilities]
    needs: list[Statement] = []
    matched: list[Statement] = []
    for statement in _stated_needs(reading):
        stems = _stems(statement.sentence.text)
        if any(_covers(capability, stems) for capability in wanted):
            matched.append(statement)
        elif _about_money_or_time(statement):
            continue  # "we want to go live in 3 months" is the timeline, not a need
        needs.append(statement)
    needs = needs[:8]
    if not needs:
        return Finding(NeedAnswer())
    ordered = [n for n in needs if n in matched] + [n for n in needs if n not in matched]
    evidence = [e for n in ordered[:5] for e in n.evidence()]
    stated = [n.sentence.text for n in needs]
    if not capabilities:
        answer = NeedAnswer(stated_needs=stated, evidence=evidence)
        note = "need: no product capabilities configured to match against"
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.3, note)
    share = sum(1 for n in needs if n in matched) / len(needs)
    level = (
        NeedLevel.FULL if share >= 0.75 else NeedLevel.PARTIAL if share >= 0.34 else (NeedLevel.LOW)
    )
    confidence = (0.75 if len(needs) > 1 else 0.6) * max(n.strength for n in needs)
    answer = NeedAnswer(level=level, stated_needs=stated, evidence=evidence)
    return Finding(answer, FieldStatus.FOUND, round(confidence, 2))
