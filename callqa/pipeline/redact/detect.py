"""Find the secrets in a conversation: which tokens of which utterance hold a card number, a
security code, a date of birth...

The conversation is read as one stream of tokens (utterances in time order) so that a cue
said by the agent ('and the three digits on the back?') reaches the customer's answer. Digit
runs are read per speaker, so that a card said in two utterances with a pause is one number.
Then, in order:

1. written forms (e-mail, IBAN, SSN, postcode, Chinese id) and spoken e-mail addresses;
2. cards: any 13-19 digit stretch with an issuer's first digit and a valid Luhn check,
   wherever it is; after a card cue, the next 12+ digits (ASR mishears a digit and breaks
   the check; a pause splits the number);
3. each cue in turn takes the first thing after it (within the window, with no other cue in
   between) that fits its kind: 3-4 digits for a security code, a date for an expiry or a
   birth date, 6-15 digits for a phone...; a `KEEP` cue (order number, price) takes its number
   out of play;
4. what is left and looks like a phone number (by its prefix and length in the language's
   countries), a Chinese resident id (its check character), or a 16-19 digit number.
"""

from __future__ import annotations

from collections.abc import Sequence

from callqa.pipeline.redact.checks import chinese_id_valid, iranian_id_valid, plausible_card
from callqa.pipeline.redact.conversation import (
    CLUSTER,
    KEEP_WINDOW,
    RUN_LENGTHS,
    Conversation,
    Cue,
    Found,
    Segment,
)
from callqa.pipeline.redact.lexicon import (
    CUES,
    DATE_GLUE,
    EMAIL_AT,
    FILLERS,
    KEEP,
    MONTHS,
    NUMBER_WORDS,
    ORDINAL_SUFFIXES,
    SEPARATORS,
    Kind,
)
from callqa.pipeline.redact.numbers import Run
from callqa.pipeline.redact.shapes import (
    email_domain_end,
    email_local_start,
    ordinal,
    phone_shaped,
)
from callqa.pipeline.redact.written import written_secrets

__all__ = ["Found", "Segment", "find_secrets"]


def find_secrets(segments: Sequence[Segment], language: str, cue_window: int = 20,
                 join_gap: float = 4.0) -> list[Found]:
    """Every secret in `segments` (in conversation order), of every kind."""
    language = language if language in CUES else "en"
    window = cue_window * 3 // 2 if language == "zh" else cue_window
    return _Finder(segments, language, window, join_gap).find()


class _Finder(Conversation):
    # -- the passes ---------------------------------------------------------------------

    def find(self) -> list[Found]:
        self._written()
        self._spoken_emails()
        self._cards()
        for cue in self.cues:
            if not cue.used and cue.kind != Kind.CARD:
                self._follow(cue)
        self._uncued()
        self._repeats()
        spans = list(self.spans)
        for kind, tokens in self.found:
            spans.extend(self._to_spans(Kind(kind), tokens))
        return spans

    def _written(self) -> None:
        for i, segment in enumerate(self.segments):
            for kind, start, end in written_secrets(segment.text, self.language):
                self.spans.append(Found(kind, i, start, end))
                for index in range(self.first_token[i], self.first_token[i + 1]):
                    token = self.tokens[index]
                    if token.start < end and token.end > start:
                        self.consumed.add(index)
        self._drop_consumed_digits()

    def _spoken_emails(self) -> None:
        for index, token in enumerate(self.tokens):
            if index in self.consumed:
                continue
            stream = self.streams[self.stream_of[index]]
            pos = self.position[index]
            at = pos
            if token.norm == "特" and pos > 0 and self.tokens[stream[pos - 1]].norm in "艾爱":
                at = pos - 1  # '艾特' is two characters
            elif token.norm not in EMAIL_AT:
                continue
            end = email_domain_end(self.tokens, stream, pos)
            if end is None:
                continue
            begin = email_local_start(self.tokens, stream, at, self.language)
            if begin is None:
                continue
            tokens = stream[begin:end + 1]
            self.consumed.update(tokens)
            self.found.append((Kind.EMAIL, tokens))
        self._drop_consumed_digits()

    def _cards(self) -> None:
        if self.language == "zh":  # a resident id holds a birth date and may pass Luhn
            for run in list(self.runs):
                group, length = self._with_check_x([run], len(run.digits))
                code = "".join(r.digits for r in group)
                if length == 18 and chinese_id_valid(code):
                    self._take(Kind.NATIONAL_ID, group)
        for run in list(self.runs):
            if run not in self.runs:
                continue
            claim = self._claimed(run)
            if claim == KEEP:
                if 15 <= len(run.digits) <= 19 and plausible_card(run.digits):
                    self._take(Kind.CARD, [run])
            elif claim is None:
                self._luhn_cards(run)
        for cue in self.cues:
            if cue.kind != Kind.CARD or cue.used:
                continue
            for run in self._after(cue):
                if self._amount(run) or len(run.digits) < 3:
                    continue
                fitted = self._fit(run, 12, 22)
                if fitted is not None:
                    self._take_part(Kind.CARD, run, 0, len(fitted.digits))
                    cue.used = True
                elif len(run.digits) > 22:
                    self._take(Kind.CARD, [run])
                    cue.used = True
                else:
                    group = self._gather(run, 13, 19)
                    if sum(len(r.digits) for r in group) >= 12:
                        self._take(Kind.CARD, group)
                        cue.used = True
                break

    def _claimed(self, run: Run) -> str | None:
        """The kind of the cue just before `run` when that cue is not a card's and `run`
        fits it (an account or id number that happens to pass the Luhn check), else None."""
        before = [c for c in self.cues if c.token < run.first and not c.used]
        if not before:
            return None
        cue = before[-1]
        distance = run.first - cue.token
        if cue.kind == KEEP:
            return KEEP if distance <= KEEP_WINDOW and not self._blocked(cue, run.first) \
                else None
        if cue.kind not in RUN_LENGTHS or distance > self.window or self._blocked(
                cue, run.first):
            return None
        low, high = RUN_LENGTHS[cue.kind][self.language]
        return cue.kind if low <= len(run.digits) <= high + 2 else None

    def _luhn_cards(self, run: Run) -> None:
        """A card in `run`: all of it, or its start or end (a card said with more digits
        before or after), or anywhere in a run too long for one card."""
        digits = run.digits
        n = len(digits)
        if 13 <= n <= 19 and plausible_card(digits):
            self._take(Kind.CARD, [run])
            return
        windows = [(0, length) for length in range(19, 12, -1)] + [
            (n - length, n) for length in range(19, 12, -1)]
        if n > 19:
            windows += [(start, start + length) for start in range(1, n - 12)
                        for length in range(19, 12, -1)]
        for start, end in windows:
            if start >= 0 and end <= n and plausible_card(digits[start:end]):
                # A stray digit or two said with the card goes with it (in its utterance).
                segment_of = [self.tokens[a].segment for a, _ in run.spans]
                if start <= 4 and len(set(segment_of[:start + 1])) == 1:
                    start = 0
                # What follows a card in the same breath is its expiry and security code
                # ('... 0366 09 27 123', the cue words lost or never said), or ASR
                # repeating its digits ('4-1-1-1-1-1-...').
                if len(set(segment_of[end - 1:])) == 1:
                    end = n
                self._take_part(Kind.CARD, run, start, end)
                rest = run.part(end, n)
                if len(rest.digits) >= 13 and rest in self.runs:
                    self._luhn_cards(rest)
                return
    def _follow(self, cue: Cue) -> None:
        if cue.kind in (Kind.EXPIRY, Kind.DOB):
            self._date_after(cue)
            return
        if cue.kind in (Kind.POSTCODE, Kind.NATIONAL_ID, Kind.IBAN) and self._code_after(cue):
            return
        for run in self._after(cue):
            if cue.kind == KEEP:
                asked_before = self.tokens[cue.token].segment != self.tokens[run.first].segment
                if len(run.digits) >= 12 and asked_before and self._card_asked(run):
                    return  # PCI first: 'card details for the refund?' '5189 0682...'
                if run.first - cue.token <= KEEP_WINDOW:
                    self.runs.remove(run)
                    cue.used = True
                return
            if self._amount(run):
                continue
            if cue.kind == Kind.CVV:
                if len(run.digits) < 3:  # 'a four digit one': not the code yet
                    continue
                self._security_code(cue, run)
            elif cue.kind in RUN_LENGTHS:
                low, high = RUN_LENGTHS[cue.kind][self.language]
                group = self._gather(run, low, high)
                length = sum(len(r.digits) for r in group)
                if cue.kind == Kind.NATIONAL_ID and self.language == "zh":
                    group, length = self._with_check_x(group, length)
                fitted = self._fit(run, low, high + 2)
                if fitted is not None and len(group) == 1:
                    self._take_part(Kind(cue.kind), run, 0, len(fitted.digits),
                                    plus=cue.kind == Kind.PHONE)
                    cue.used = True
                elif low <= length <= high + 2:
                    self._take(Kind(cue.kind), group, plus=cue.kind == Kind.PHONE)
                    cue.used = True
            return  # only the first thing after a cue answers it

    def _card_asked(self, run: Run) -> bool:
        """Whether a card cue comes within the window before `run`."""
        return any(c.kind == Kind.CARD and 0 < run.first - c.token <= self.window
                   for c in self.cues)

    def _security_code(self, cue: Cue, run: Run) -> None:
        length = len(run.digits)
        if 3 <= length <= 4:
            self._take(Kind.CVV, [run])
        elif 5 <= length <= 8:
            expiry_next = any(c.kind == Kind.EXPIRY and not c.used and
                              0 < c.token - cue.token <= CLUSTER for c in self.cues)
            if expiry_next and length >= 7:  # 'security code and expiry' '123 0927'
                self._take_part(Kind.CVV, run, 0, length - 4)
                self._take_part(Kind.EXPIRY, run.part(length - 4, length), 0, 4)
            else:
                self._take(Kind.CVV, [run])
        else:
            return
        cue.used = True

    def _uncued(self) -> None:
        for run in list(self.runs):
            if run not in self.runs or self._amount(run):
                continue
            digits = run.digits
            group, length = self._with_check_x([run], len(digits))
            if self.language == "zh" and length == 18:
                code = "".join(r.digits for r in group) + ("X" if len(group) > 1 else "")
                if chinese_id_valid(code if len(code) == 18 else code[:17] + "X"):
                    self._take(Kind.NATIONAL_ID, group)
                    continue
            if phone_shaped(digits, self.language, self._plus_before(run)):
                self._take(Kind.PHONE, [run], plus=True)
            elif self.language == "fa" and iranian_id_valid(digits):
                self._take(Kind.NATIONAL_ID, [run])
            elif len(digits) >= 12:
                # 12-19 digits read out with no cue and no check: a card with a digit
                # misheard or lost by ASR, more likely than anything else said so.
                self._take(Kind.CARD, [run])

    def _repeats(self) -> None:
        """A secret said again ('six one four, hang on, yes six one four') or read back by
        the agent is the same secret, wherever it is."""
        secrets: dict[str, str] = {}
        for kind, tokens in self.found:
            digits = "".join(r.digits for r in self._runs_in(tokens))
            if len(digits) >= 3:
                secrets.setdefault(digits, kind)
        for run in list(self.runs):
            said = secrets.get(run.digits)
            if said is not None and not self._amount(run):
                self._take(Kind(said), [run])
    # -- dates and codes ----------------------------------------------------------------

    def _date_after(self, cue: Cue) -> None:
        run_at = self._run_tokens()
        limit = min(len(self.tokens), cue.token + 1 + self.window)
        for index in range(cue.token + 1, limit):
            if self._blocked(cue, index):
                return
            if index in self.consumed or not self._date_start(index, run_at):
                continue
            tokens = self._date_phrase(index, run_at, 6 if cue.kind == Kind.EXPIRY else 12)
            runs = []
            for token in tokens:
                run = run_at.get(token)
                if run is not None and run not in runs:
                    runs.append(run)
            if cue.kind == Kind.EXPIRY and len(runs) == 1 and len(runs[0].digits) >= 7:
                self._take_part(Kind.EXPIRY, runs[0], 0, 4)
            else:
                for run in runs:
                    self.runs.remove(run)
                tokens = self._stream_slice(tokens[0], max(
                    [tokens[-1], *(r.last for r in runs)]))
                self.consumed.update(tokens)
                self.found.append((cue.kind, tokens))
            cue.used = True
            return

    def _date_start(self, index: int, run_at: dict[int, Run]) -> bool:
        token = self.tokens[index]
        if index in run_at or token.norm in MONTHS[self.language] or ordinal(
                token.norm, self.language):
            return True
        # A weak number word ('نه', 'oh') next to a month name: 'نه خرداد', 'بهمن نه'.
        word = NUMBER_WORDS.get(self.language, {}).get(token.norm)
        if word is None or word.role != "weak":
            return False
        months = MONTHS[self.language]
        neighbours = [self.tokens[i].norm for i in (index - 1, index + 1)
                      if 0 <= i < len(self.tokens) and self.tokens[i].segment == token.segment]
        return any(n in months for n in neighbours)

    def _date_phrase(self, index: int, run_at: dict[int, Run], most: int) -> list[int]:
        stream = self.streams[self.stream_of[index]]
        breaks = self.breaks[self.stream_of[index]]
        kept: list[int] = []
        tail: list[int] = []
        words = 0
        for pos in range(self.position[index], len(stream)):
            if kept and pos in breaks:
                break
            token = stream[pos]
            norm = self.tokens[token].norm
            if token in self.consumed:
                break
            if norm in SEPARATORS or norm in FILLERS.get(self.language, ()):
                tail.append(token)
                continue
            glue = norm in DATE_GLUE[self.language] or (
                norm in ORDINAL_SUFFIXES and kept and kept[-1] in run_at)
            if self._date_start(token, run_at) or (glue and kept):
                kept.extend(tail)
                tail = []
                kept.append(token)
                words += 1
                if words >= most and token not in run_at:
                    break
                continue
            break
        while kept and self.tokens[kept[-1]].norm in DATE_GLUE[self.language]:
            kept.pop()
        return kept

    def _code_after(self, cue: Cue) -> bool:
        """Postcodes, UK national insurance numbers and IBANs said as letters and digits:
        'S W one A, one A A', 'Q Q one two...', 'G B eight two W E S T...'."""
        if self.language != "en" and cue.kind != Kind.IBAN:
            return False
        limit = min(len(self.tokens), cue.token + 1 + self.window)
        for index in range(cue.token + 1, limit):
            if self._blocked(cue, index) or index in self.consumed:
                return False
            if not self._codeish(index, first=True):
                continue
            stream = self.streams[self.stream_of[index]]
            kept: list[int] = []
            most = 48 if cue.kind == Kind.IBAN else 20  # separators count
            segment = self.tokens[index].segment
            for pos in range(self.position[index], min(len(stream), self.position[index] + most)):
                token = stream[pos]
                if token in self.consumed or not self._codeish(token, first=False) or (
                        self.tokens[token].segment != segment):
                    break
                kept.append(token)
            while kept and self.tokens[kept[-1]].norm in SEPARATORS:
                kept.pop()
            digits = sum(self._digit_count(t) for t in kept)
            letters = sum(self._letter_count(t) for t in kept)
            fits = {Kind.POSTCODE: digits >= 1 and (letters >= 2 or digits in (5, 9)),
                    Kind.NATIONAL_ID: (letters >= 2 and digits >= 6) or digits == 9,
                    Kind.IBAN: digits >= 12}[Kind(cue.kind)]
            if not fits:
                return False
            tokens = self._stream_slice(kept[0], kept[-1])
            for run in [r for r in self.runs if r.first <= kept[-1] and r.last >= kept[0]]:
                self.runs.remove(run)
            self.consumed.update(tokens)
            self.found.append((cue.kind, tokens))
            cue.used = True
            return True
        return False

    def _codeish(self, index: int, first: bool) -> bool:
        token = self.tokens[index]
        text, norm = token.text, token.norm
        if norm in SEPARATORS:
            return not first
        if norm[0].isdigit() or (norm in NUMBER_WORDS.get(self.language, {}) and norm not in (
                "and", "for", "to", "too")):
            return True
        if not norm.isalnum() or not norm.isascii():
            return False
        if len(norm) == 1:
            return True
        has_digit = any(c.isdigit() for c in norm)
        return len(norm) <= 4 and (has_digit or text.isupper())

    def _digit_count(self, index: int) -> int:
        norm = self.tokens[index].norm
        if norm in NUMBER_WORDS.get(self.language, {}):
            return 1 if NUMBER_WORDS[self.language][norm].role in ("unit", "weak") else 2
        return sum(c.isdigit() for c in norm)

    def _letter_count(self, index: int) -> int:
        norm = self.tokens[index].norm
        if norm in NUMBER_WORDS.get(self.language, {}):
            return 0
        return sum(c.isalpha() for c in norm)
