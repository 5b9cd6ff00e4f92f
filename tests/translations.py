"""What the translation checks read: unmarked strings in templates and Python, the catalogues.

Used by tests/test_translations.py (part of `make test`); docs/translations.md says what each
check refuses and how to fix it.
"""

import ast
import gettext
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
TEMPLATES = ROOT / "templates"
APPS = ("campaign", "petitions", "letters")
DOMAINS = ("django", "djangojs")

# Templates that are not interface text: the organisers' admin (English, like Django's admin
# around it) and the letter as sent (its text is the letter's own, in its template's language).
TEMPLATES_NOT_CHECKED = ("admin/", "emails/letter-body.")

# Text that is the same in every language: names of services and signs.
ALLOWED_TEXT = {"X", "Facebook", "WhatsApp", "Telegram", "Bluesky", "Mastodon", "LinkedIn"}

# Attributes whose values a person reads or hears.
READ_ATTRIBUTES = {
    "alt",
    "title",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-valuetext",
    "content",
    "data-label",  # shown by CSS in stacked tables
}
# <meta content> is read only for these names and properties.
READ_META = {"description", "og:title", "og:description", "twitter:title", "twitter:description"}

HOLE = "\x00"  # where a template tag or variable was: never text of its own
# A CSS class or similar name put into an attribute by a block ("wrap-wide").
IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")


def template_text(source: str) -> str:
    """The template with every tag, variable, comment and translated block replaced by HOLE."""
    parts = []
    depth = 0
    skip_until = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if skip_until:
                if name == skip_until:
                    skip_until = None
                continue
            if name in ("blocktranslate", "blocktrans"):
                depth += 1
            elif name in ("endblocktranslate", "endblocktrans"):
                depth -= 1
            elif name == "comment":
                skip_until = "endcomment"
            parts.append(HOLE)
        elif token.token_type == TokenType.TEXT and depth == 0 and not skip_until:
            parts.append(token.contents)
        elif not skip_until:
            parts.append(HOLE)
    return "".join(parts)


def is_text(value: str) -> bool:
    """Letters a person reads, once holes, numbers, punctuation and allowed names are gone."""
    for piece in value.split(HOLE):
        piece = " ".join(piece.split())
        if piece in ALLOWED_TEXT or IDENTIFIER.match(piece):
            continue
        if any(char.isalpha() for char in piece):
            return True
    return False


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _TextCollector(HTMLParser):
    """Text a person reads. With `skip_other_languages`, not the text of an element whose
    `lang` differs from the page's (the campaign's English documents on a French page)."""

    def __init__(self, *, skip_other_languages: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._raw = 0  # inside <script>, <style> or <code> (code shown as it is, not words)
        self._skip_other_languages = skip_other_languages
        self._page_language = ""
        self._open: list[tuple[str, bool]] = []  # (tag, in another language)

    def _foreign(self) -> bool:
        return any(foreign for _, foreign in self._open)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if tag == "html":
            self._page_language = values.get("lang") or ""
        elif tag not in VOID:
            language = values.get("lang")
            foreign = bool(
                self._skip_other_languages and language and language != self._page_language
            )
            self._open.append((tag, foreign))
        if self._foreign():
            return
        if tag in ("script", "style", "code"):
            self._raw += 1
        for name, value in attrs:
            if name not in READ_ATTRIBUTES or value is None:
                continue
            if name == "content" and not (
                values.get("name") in READ_META or values.get("property") in READ_META
            ):
                continue
            if is_text(value):
                self.found.append(value)
        button = tag == "input" and values.get("type") in ("submit", "button")
        if button and is_text(values.get("value") or ""):
            self.found.append(values["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code") and not self._foreign():
            self._raw = max(0, self._raw - 1)
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._raw and not self._foreign() and is_text(data):
            self.found.append(data)


def visible_strings(html: str, *, skip_other_languages: bool = False) -> list[str]:
    """Text nodes and read attributes of an HTML page (or template, with holes)."""
    collector = _TextCollector(skip_other_languages=skip_other_languages)
    collector.feed(html)
    collector.close()
    return [" ".join(s.strip(HOLE + " \n\t").replace(HOLE, " … ").split()) for s in collector.found]


def unmarked_template_strings() -> dict[str, list[str]]:
    """{template: [text not inside a translation tag]} for every interface template."""
    found = {}
    for path in sorted(TEMPLATES.rglob("*")):
        name = path.relative_to(TEMPLATES).as_posix()
        if path.is_dir() or name.startswith(TEMPLATES_NOT_CHECKED):
            continue
        text = template_text(path.read_text())
        if path.suffix == ".html":
            strings = visible_strings(text)
        else:  # a plain-text email part
            text = text.strip(HOLE + " \n\t")
            strings = [" ".join(text.replace(HOLE, " … ").split())] if is_text(text) else []
        if strings:
            found[name] = strings
    return found


# Python: interface text is what these arguments carry; each must be a gettext call.
TEXT_KEYWORDS = {"label", "help_text", "empty_label", "empty_message"}
TEXT_CALLS = {"ValidationError", "PostcodeInvalid"}


def _python_text_nodes(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        for keyword in node.keywords:
            if keyword.arg in TEXT_KEYWORDS:
                yield keyword.value
            if keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                yield from keyword.value.values
        if name in TEXT_CALLS and node.args:
            yield node.args[0]
        if name == "add_error" and len(node.args) > 1:
            yield node.args[1]
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "messages"
            and len(node.args) > 1
        ):
            yield node.args[1]


def unmarked_python_strings() -> list[str]:
    """ "file:line: text" for every literal interface string not passed through gettext."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            # Not read by supporters: the admin and its models' help texts, commands' output.
            not_read = "/migrations/" in relative or "/management/" in relative
            if not_read or path.name in ("admin.py", "models.py"):
                continue
            tree = ast.parse(path.read_text(), filename=relative)
            for node in _python_text_nodes(tree):
                if isinstance(node, ast.JoinedStr) or (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and any(char.isalpha() for char in node.value)
                ):
                    found.append(f"{relative}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


# Catalogues.


def languages() -> list[str]:
    """Every language but the source language."""
    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def po_path(language: str, domain: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


def catalogue_read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def template_read(path: Path) -> Catalog:
    """A .pot file: its header is a template (nplurals=INTEGER), so only the messages count."""
    text = path.read_text()
    text = text.replace("nplurals=INTEGER; plural=EXPRESSION;", "nplurals=2; plural=(n != 1);")
    return read_po(io.StringIO(text), abort_invalid=True)


MAKEMESSAGES_OPTIONS = ("--ignore=tests", "--ignore=bench", "--ignore=staticfiles")


@cache
def extracted(domain: str) -> Catalog:
    """The msgids in the code now: makemessages run on a copy of the sources."""
    with tempfile.TemporaryDirectory() as temp:
        copy = Path(temp)
        for name in (*APPS, "templates", "static"):
            shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(ROOT / "manage.py", copy / "manage.py")
        (copy / "locale").mkdir()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "campaign.settings", "PYTHONPATH": temp}
        env.setdefault("DJANGO_SECRET_KEY", "makemessages")
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "--locale=xx",
                f"--domain={domain}",
                "--keep-pot",
                *MAKEMESSAGES_OPTIONS,
            ],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
        return template_read(copy / "locale" / f"{domain}.pot")


PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


@dataclass(frozen=True)
class Problem:
    language: str
    domain: str
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"{self.language}/{self.domain}.po: {self.what}: {self.msgid[:70]!r}"


def _ids(message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    if isinstance(message.string, tuple | list):
        return tuple(message.string)
    return (message.string,)


def catalogue_problems(
    language: str, domain: str, *, path: Path | None = None, source: Catalog | None = None
) -> list[Problem]:
    """Missing, empty or fuzzy translations, and placeholders that differ from the source."""
    path = path or po_path(language, domain)
    source = source if source is not None else extracted(domain)
    if not path.exists():
        if any(m.id for m in source):
            return [Problem(language, domain, "", f"no catalogue at {path}")]
        return []
    catalogue = catalogue_read(path)
    problems = []
    for wanted in source:
        if not wanted.id:
            continue
        message = catalogue.get(wanted.id, context=wanted.context)
        if message is None:
            problems.append(Problem(language, domain, _ids(wanted)[0], "not translated"))
            continue
        if message.fuzzy:
            problems.append(Problem(language, domain, _ids(wanted)[0], "fuzzy"))
        strings = _strings(message)
        if not all(strings):
            problems.append(Problem(language, domain, _ids(wanted)[0], "empty translation"))
            continue
        expected = placeholders(_ids(message)[-1])
        for string in strings:
            if placeholders(string) != expected:
                problems.append(
                    Problem(language, domain, _ids(wanted)[0], f"placeholders differ: {string!r}")
                )
    return problems


def compiled_out_of_date(path: Path) -> list[str]:
    """msgids whose compiled (.mo) translation is not the one in the .po file."""
    if not path.exists():
        return []
    compiled = path.with_suffix(".mo")
    if not compiled.exists():
        return [f"{compiled} is missing: run make messages"]
    with compiled.open("rb") as file:
        mo = gettext.GNUTranslations(file)._catalog  # noqa: SLF001 - the compiled pairs
    wrong = []
    for message in catalogue_read(path):
        if not message.id or message.fuzzy:
            continue
        ids = _ids(message)
        key_prefix = f"{message.context}\x04" if message.context else ""
        if len(ids) == 1:
            if mo.get(key_prefix + ids[0]) != message.string:
                wrong.append(ids[0])
        else:
            for index, string in enumerate(_strings(message)):
                if mo.get((key_prefix + ids[0], index)) != string:
                    wrong.append(ids[0])
                    break
    return wrong


def source_strings() -> set[str]:
    """Every English interface string (msgid), for finding leftovers on translated pages."""
    strings = set()
    for domain in DOMAINS:
        for message in extracted(domain):
            strings.update(i for i in _ids(message) if i)
    return strings
