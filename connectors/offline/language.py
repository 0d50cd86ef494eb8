"""Which language a transcript is in, from how often each language's commonest words appear."""

from __future__ import annotations

import re
from collections import Counter

# Frequent words that are (mostly) unique to one language, accents folded away.
_STOPWORDS = {
    "en": "the and is are was we you it that this of for with have our they what but not "
    "there can will would just about be to do don't it's i'm",
    "pt": "nao voce voces isso tambem muito com uma os das dos na sao estamos temos entao ele "
    "ela eles pra tem fazer agora aqui um eu sou ate quem nosso nossa tudo bem gente vai ou "
    "pelo pela seu sua foi tenho precisamos disso",
    "es": "el los las es usted ustedes nosotros pero muy con una del tenemos entonces ya hay "
    "hacer ahora aqui bueno porque pues y lo un yo soy hasta quien nuestro nuestra todo bien "
    "o por su fue tengo necesitamos",
    "fi": "ja ei etta meilla olla kanssa mutta myos tama joka kuin niin onko mina sina ole oli "
    "ovat voi nyt siis meidan teidan se on kylla tai sitten mita mutta jo viela",
    "de": "und ich nicht das ist wir sie der die mit auf fur ein eine auch zu sind haben "
    "wie aber noch dann oder bei uns unser unsere wenn schon jetzt hier gut genau also",
    "fr": "et je pas est nous vous le les des une pour avec sur mais qui dans ce cette "
    "sont avons aussi donc alors oui bien c'est elle notre nos votre",
    "it": "che il di per sono abbiamo anche gli della delle questo questa "
    "noi voi siamo molto allora ecco bene cosa nostro nostra perche gia",
}
_WORDS = {language: set(words.split()) for language, words in _STOPWORDS.items()}
_TOKEN = re.compile(r"[a-z']+")
_MIN_HITS = 5


def detect_language(folded: str, *, min_hits: int = _MIN_HITS) -> str | None:
    """The language code of folded text ("en", "pt", "es", "fi", "de", "fr", "it"), or None
    when no language clearly leads."""
    counts = Counter(_TOKEN.findall(folded))
    scores = {language: sum(counts[word] for word in words) for language, words in _WORDS.items()}
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < min_hits or top < 1.3 * second:
        return None
    return best
