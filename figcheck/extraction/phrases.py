"""What a figure counts (its subject) and the words around it that say what happened (its context)."""

from __future__ import annotations

from figcheck.extraction.mentions import ExtractionContext
from figcheck.extraction.text import (
    Word,
    is_initialism_with_dot,
    word_matches_before,
    word_matches_between,
    words_after,
    words_before,
    words_between,
)

_MAX_SUBJECT_WORDS = 6
_MAX_CONTEXT_WORDS = 10
# Plurals that do not end in "s", and mass nouns that end a counted phrase.
_IRREGULAR_PLURALS = frozenset(
    "people men women children personnel staff police cattle sheep fish livestock youth "
    "infantry cavalry artillery aircraft crew media".split()
)
# Nouns that measure or group what follows "of": "tons of rice", "pieces of equipment".
_PARTITIVE_NOUNS = frozenset(
    "tons tonnes ton kinds kind types type sorts pieces piece units sets pairs head hundreds "
    "thousands millions cases copies volumes items barrels bags boxes rounds groups teams "
    "batches cubic square percent members rows".split()
)
# Auxiliaries dropped at the start of a right-hand context ("twelve were honored" → "honored").
_AUXILIARIES = frozenset("is are was were be been being has have had will would shall should can could may might must".split())
# Particles that belong to the verb before them: "broke out", "set up", "came back".
_PARTICLES = frozenset("out up off down back over away".split())
_JOINS = frozenset(("and", "or", "while", "whereas"))
_FUNCTION_TAIL = frozenset("to of for with by in on at from the a an and or as than that who which".split())


def subject_after(ctx: ExtractionContext, end: int) -> tuple[str | None, tuple[int, int] | None]:
    """The noun phrase right after a figure: "661,736 volunteers" → "volunteers",
    "80,000 young and working people" → "young and working people", "533 DPRK Heroes" →
    "DPRK Heroes", "12 Heroes of the Republic" → "Heroes of the Republic"."""
    text = ctx.text
    stops = ctx.lexicon.phrase_stops
    sentence = ctx.index.sentence_at(end)
    limit = min(max(end, sentence.end), end + 160)
    # Read a few words at a time: most phrases end at their first or second word, and a figure
    # is often followed by a long run of words that would otherwise all be read.
    words = words_after(text, end, limit, _FIRST_READ)
    complete = len(words) < _FIRST_READ
    picked: list[Word] = []
    i = 0
    while True:
        if not complete and i + 3 > len(words):
            # The loop looks at most two words ahead ("of the Republic").
            words, complete = _read_on(text, words, limit)
        if not (i < len(words) and len(picked) < _MAX_SUBJECT_WORDS):
            break
        word = words[i]
        lower = word.lower
        nxt = words[i + 1] if i + 1 < len(words) else None
        if word.text[0].isdigit() or ctx.lexicon.is_number_word(lower):
            break
        if lower == "of" and picked:
            if _proper_complement(words, i + 1):
                # "Heroes of the Republic": the article belongs to the name.
                picked.append(word)
                i += 1
                if words[i].lower == "the":
                    picked.append(words[i])
                    i += 1
                continue
            if picked[-1].lower in _PARTITIVE_NOUNS:
                picked.append(word)
                i += 1
                continue
            break
        if lower == "and" and picked and len(picked) <= 2 and nxt is not None:
            if not is_noun_end(picked[-1].text) and nxt.lower not in stops and not nxt.text[0].isdigit():
                picked.append(word)
                i += 1
                continue
            break
        if lower in stops:
            break
        if (
            not picked
            and (lower.endswith("ed") or lower in ctx.lexicon.irregular_past_verbs)
            and (nxt is None or nxt.lower in stops)
        ):
            break  # "twelve attended the meeting": a verb, no counted noun
        picked.append(word)
        if word.text.endswith(".") and not is_initialism_with_dot(word.text):
            break  # "U.S. dollars" goes on; a full stop ends the phrase
        if is_noun_end(word.text) and not (nxt and nxt.lower == "of"):
            # "Heroes of the Republic" goes on; "volunteers awarded" does not.
            if not (nxt and nxt.text[0].isupper() and word.text[0].isupper()):
                break
        i += 1
    while picked and (picked[-1].lower in _FUNCTION_TAIL or picked[-1].lower in stops):
        picked.pop()
    if not picked:
        return None, None
    return text[picked[0].start : picked[-1].end].rstrip("."), (picked[0].start, picked[-1].end)


_FIRST_READ = 4


def _read_on(text: str, words: list[Word], limit: int) -> tuple[list[Word], bool]:
    """``words`` (read by ``words_after``) and the words after them, up to the number
    ``subject_after`` reads; and whether no word is left to read."""
    last = words[-1].text
    if (last.endswith(".") and not is_initialism_with_dot(last)) or len(words) >= _MAX_SUBJECT_WORDS + 4:
        return words, True  # words_after stops after a full stop
    wanted = min(len(words), _MAX_SUBJECT_WORDS + 4 - len(words))
    more = words_after(text, words[-1].end, limit, wanted)
    return words + more, len(more) < wanted or len(words) + len(more) >= _MAX_SUBJECT_WORDS + 4


def _proper_complement(words: list[Word], i: int) -> bool:
    """ "of the Republic", "of Labour": a name goes on after "of"."""
    if i < len(words) and words[i].lower == "the":
        i += 1
    return i < len(words) and words[i].text[0].isupper()


def is_noun_end(word: str) -> bool:
    """Whether ``word`` can end a counted noun phrase: a plural ("volunteers") or a noun that is
    plural without an "s" ("people")."""
    lower = word.lower().rstrip(".")
    if lower in _IRREGULAR_PLURALS:
        return True
    return len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is", "ous"))


def context_around(ctx: ExtractionContext, start: int, end: int, left_limit: int = 0, right_limit: int | None = None) -> str | None:
    """The predicate words of the figure's clause, without the figure and its subject:
    "awarded DPRK orders and medals to 661,736 volunteers" → "awarded DPRK orders and medals";
    "twelve were honored with the title" → "honored with the title"."""
    # Run for every figure: words are read as the word pattern's matches, of which only a few
    # are looked at, and lower-cased in place, without the Word.lower property's call.
    text = ctx.text
    clause_left, clause_right = ctx.index.clause_bounds(start, end)
    # Another figure in the same clause bounds the context: its words are its own.
    left = clause_left if clause_left > left_limit else left_limit
    right = clause_right if right_limit is None or right_limit >= clause_right else right_limit
    before = word_matches_before(text, start, left, _MAX_CONTEXT_WORDS)
    if before and left == left_limit:
        # "twelve were honored with X and 226 with Y": 226's words start after the "and".
        for i in range(len(before) - 1, -1, -1):
            if before[i].group().lower().rstrip(".") in _JOINS:
                del before[: i + 1]
                break
    stops = ctx.lexicon.phrase_stops
    while before:
        last = before[-1].group().lower().rstrip(".")
        if (last not in _FUNCTION_TAIL and last not in stops) or last in _PARTICLES:
            break
        before.pop()
    after = word_matches_between(text, end, right, _MAX_CONTEXT_WORDS)
    first = 0
    while first < len(after) and after[first].group().lower().rstrip(".") in _AUXILIARIES:
        first += 1
    last_after = len(after)
    while last_after > first and after[last_after - 1].group().lower().rstrip(".") in _FUNCTION_TAIL:
        last_after -= 1
    if before:
        joined = " ".join(text[before[0].start() : before[-1].end()].split())
        if last_after > first:
            joined += " " + " ".join(text[after[first].start() : after[last_after - 1].end()].split())
    elif last_after > first:
        joined = " ".join(text[after[first].start() : after[last_after - 1].end()].split())
    else:
        joined = ""
    joined = joined.rstrip(".")
    if not joined and left == clause_left and right == clause_right:
        return _neighbouring_clause(ctx, left, right)
    return joined or None


def _neighbouring_clause(ctx: ExtractionContext, left: int, right: int) -> str | None:
    """A figure that is a clause of its own takes the words of the clause it qualifies:
    "On June 25, 1950, the imperialists unleashed ..." → the clause after it; "the day of the
    outbreak of the war, June 25, 1950." → the clause before it."""
    text = ctx.text
    sentence = ctx.index.sentence_at(left)
    if right < sentence.end:
        next_left, next_right = ctx.index.clause_bounds(right + 1, right + 1)
        after = words_between(text, max(right + 1, next_left), next_right, _MAX_CONTEXT_WORDS)
        if after:
            return " ".join(text[after[0].start : after[-1].end].split()).rstrip(".")
    if left > sentence.start:
        prev_left, _ = ctx.index.clause_bounds(left - 1, left - 1)
        before = words_before(text, left - 1, prev_left, _MAX_CONTEXT_WORDS)
        if before:
            return " ".join(text[before[0].start : before[-1].end].split()).rstrip(".")
    return None


def words_after_clause(text: str, pos: int, right: int) -> list[Word]:
    return words_between(text, pos, right, _MAX_CONTEXT_WORDS)


def head_noun(subject: str | None) -> str | None:
    """The last word of a subject, lower-cased and without a plural "s": for matching parts to wholes."""
    if not subject:
        return None
    words = subject.lower().replace("’", "'").split()
    if "of" in words:
        words = words[: words.index("of")]
    if not words:
        return None
    last = words[-1]
    if last.endswith("ies") and len(last) > 4:
        return last[:-3] + "y"
    if last.endswith("es") and last[:-2].endswith(("sh", "ch", "x", "ss")):
        return last[:-2]
    if last.endswith("s") and not last.endswith("ss"):
        return last[:-1]
    return last
