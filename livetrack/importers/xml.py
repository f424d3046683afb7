"""A small, safe XML reader for files from outside: elements with their line.

Expat is driven directly, so nothing in a file can define or pull in an
entity: a DOCTYPE is refused outright (a CTF never has one), which closes
off the billion-laughs and external-entity attacks. Each element keeps the
line it starts on, so problems can name the line a school office will find.
"""

from dataclasses import dataclass, field
from xml.parsers import expat

from livetrack.errors import ImportRejected


@dataclass
class Element:
    tag: str
    line: int
    children: list["Element"] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.text_parts).strip()

    def child(self, *tags: str) -> "Element | None":
        """The first child with any of these tags (in the order given)."""
        for tag in tags:
            for element in self.children:
                if element.tag == tag:
                    return element
        return None

    def all(self, tag: str) -> list["Element"]:
        return [element for element in self.children if element.tag == tag]

    def text_of(self, *tags: str) -> str:
        found = self.child(*tags)
        return "" if found is None else found.text


class _Refused(Exception):
    """Raised inside expat's callbacks to stop a file with a DOCTYPE or entity."""


def parse_xml(data: bytes, what: str) -> Element:
    """The document's root element; ImportRejected for a file that is not good XML."""
    stack: list[Element] = []
    root: list[Element] = []
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def start(tag: str, attributes: dict) -> None:
        element = Element(tag.rsplit(":", 1)[-1], parser.CurrentLineNumber)
        (stack[-1].children if stack else root).append(element)
        stack.append(element)

    def end(tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].text_parts.append(data)

    def refuse(*arguments) -> None:
        raise _Refused

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
    except _Refused:
        raise _not_read(
            what,
            "The file declares a DOCTYPE or entities, which a CTF never does; "
            "for safety it was not read. Please export the CTF from the MIS again.",
        ) from None
    except expat.ExpatError as error:
        raise _not_read(what, _expat_problem(error)) from None
    return root[0]


def _expat_problem(error: expat.ExpatError) -> str:
    reason = expat.errors.messages[error.code]
    if error.code in (
        expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
        expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
    ):
        return (
            f"Line {error.lineno}: the file ends too soon ({reason}); it may have "
            "been cut short. Please export the CTF from the MIS again."
        )
    return (
        f"Line {error.lineno}: the file is not well-formed XML ({reason}). Please "
        "export the CTF from the MIS again rather than editing it."
    )


def _not_read(what: str, problem: str) -> ImportRejected:
    return ImportRejected(f"The {what} could not be read; nothing was changed.",
                          [problem])  # fmt: skip
