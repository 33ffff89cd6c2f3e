"""Words of a script that writes with combining marks of U+0300-036F, set in that script's face.

Syriac writes its plural dots (seyame, U+0308) and the tilde below that makes ܓ̰ "j" and ܟ̰ "ch"
(U+0330) with the general combining marks. Pango takes each character from the first family of
the font-family list that has it, and "Docgen Sans" comes first and has those marks: a Syriac
name's mark was drawn by Liberation Sans, off its letter (right to left, under the next letter).
So each word of such a script holding such a mark is set with the script's face first
(fontfaces.font_family(face)), in a span of its own.

Only the document's text is touched, never a tag or what an attribute holds (the templates
autoescape, so no `<` or `>` is ever inside one), nor the text of <title>, <style>, <script>, an
SVG or a <textarea>. A <textarea> is a prefilled form field, whose value a span would print as
text; styling the whole field instead would move a Latin mark in it to the Syriac face, and
WeasyPrint 70 embeds a form field's font whole (92 kB for Noto Sans Syriac). So a Syriac mark in
a prefilled claim line still prints from Liberation Sans (docs/fonts.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from docgen import fontfaces

# A tag, a comment, or an element whose content is no document text (or is not HTML).
_NOT_TEXT = re.compile(r"<!--.*?-->|<(textarea|title|style|script|svg)\b.*?</\1\s*>|<[^>]*>", re.DOTALL | re.IGNORECASE)
_JOINERS = "\u200c\u200d"


def _char_class(codes: frozenset[int]) -> str:
    return "".join(
        re.escape(chr(first)) if first == last else f"{re.escape(chr(first))}-{re.escape(chr(last))}"
        for first, last in fontfaces.runs(codes)
    )


@dataclass(frozen=True)
class _MarkedScript:
    #: The inline style that puts the script's face first (single-quoted in the tag: the names are double-quoted).
    style: str
    #: A word: a letter of the script, then its letters, marks and joiners.
    word: re.Pattern[str]
    mark: re.Pattern[str]

    def wrapped(self, found: re.Match[str]) -> str:
        """A word found in the text, in a span of the style when it holds a mark."""
        word = found.group()
        return f"<span style='{self.style}'>{word}</span>" if self.mark.search(word) else word


@cache
def _marked_scripts() -> tuple[_MarkedScript, ...]:
    scripts = []
    for face in fontfaces.MARKED_FACES:
        letters, marks = fontfaces.letters_and_marks(face)
        scripts.append(
            _MarkedScript(
                style=f"font-family: {fontfaces.font_family(face)}",
                word=re.compile(f"[{_char_class(letters)}][{_char_class(letters | marks)}{_JOINERS}]*"),
                mark=re.compile(f"[{_char_class(marks)}]"),
            )
        )
    return tuple(scripts)


def _wrap_words(text: str) -> str:
    for script in _marked_scripts():
        text = script.word.sub(script.wrapped, text)
    return text


def with_marked_words_in_their_face(html: str) -> str:
    """The HTML with each word of a MARKED_FACES script that holds a combining mark set in its face."""
    if not any(script.mark.search(html) for script in _marked_scripts()):
        return html
    out, position = [], 0
    for element in _NOT_TEXT.finditer(html):
        out.append(_wrap_words(html[position : element.start()]))
        out.append(element.group())
        position = element.end()
    out.append(_wrap_words(html[position:]))
    return "".join(out)
