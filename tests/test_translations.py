"""`make test` fails on an unmarked interface string or a catalogue that is not complete.

How to fix each failure: docs/translations.md.
"""

import shutil
import subprocess

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from tests import translations
from tests.translations import DOMAINS, languages

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs GNU gettext (Debian: gettext)"
)


def test_every_interface_string_in_the_templates_is_marked_for_translation():
    assert translations.unmarked_template_strings() == {}


def test_every_interface_string_in_python_is_marked_for_translation():
    assert translations.unmarked_python_strings() == []


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", languages())
def test_the_catalogue_translates_every_string(language, domain):
    problems = translations.catalogue_problems(language, domain)
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", languages())
def test_the_compiled_catalogue_is_up_to_date(language, domain):
    assert translations.compiled_out_of_date(translations.po_path(language, domain)) == []


# The checks themselves, on made-up input: each refuses what it should.


def test_text_outside_translation_tags_is_found():
    source = (
        "{% load i18n %}<title>{% block title %}Petition{% endblock %}</title>"
        '<p title="{% translate "Fine" %}">{% translate "Fine" %} {{ count }}</p>'
        "<p>{% blocktranslate %}Fine {{ n }} too{% endblocktranslate %}</p>"
        '<img alt="A map"><a href="/x/">Sign</a> · 15 000 <span>X</span>'
        "{% comment %}Not shown{% endcomment %}<script>var a = 'code';</script>"
    )
    found = translations.visible_strings(translations.template_text(source))
    assert found == ["Petition", "A map", "Sign"]


def catalogue(**messages) -> Catalog:
    result = Catalog(locale="fr")
    for msgid, (msgstr, flags) in messages.items():
        result.add(msgid.replace("_", " "), msgstr, flags=flags)
    return result


def test_missing_fuzzy_empty_and_placeholder_problems_are_found(tmp_path):
    source = Catalog()
    for msgid in ("Sign now", "Hello %(name)s", "Thanks", "Not there", "Goal {goal}"):
        source.add(msgid)
    translated = Catalog(locale="fr")
    translated.add("Sign now", "Signez", flags=["fuzzy"])
    translated.add("Hello %(name)s", "Bonjour %(nom)s")
    translated.add("Thanks", "")
    translated.add("Goal {goal}", "Objectif {goal}")
    path = tmp_path / "django.po"
    with path.open("wb") as file:
        write_po(file, translated)
    problems = translations.catalogue_problems("fr", "django", path=path, source=source)
    assert sorted((p.msgid, p.what.split(":")[0]) for p in problems) == [
        ("Hello %(name)s", "placeholders differ"),
        ("Not there", "not translated"),
        ("Sign now", "fuzzy"),
        ("Thanks", "empty translation"),
    ]


def test_a_compiled_catalogue_older_than_its_source_is_found(tmp_path):
    compiled = Catalog(locale="fr")
    compiled.add("Sign now", "Signez")
    with (tmp_path / "django.mo").open("wb") as file:
        write_mo(file, compiled)
    edited = Catalog(locale="fr")
    edited.add("Sign now", "Signez maintenant")
    with (tmp_path / "django.po").open("wb") as file:
        write_po(file, edited)
    assert translations.compiled_out_of_date(tmp_path / "django.po") == ["Sign now"]
    subprocess.run(
        ["msgfmt", "-o", str(tmp_path / "django.mo"), str(tmp_path / "django.po")], check=True
    )
    assert translations.compiled_out_of_date(tmp_path / "django.po") == []
