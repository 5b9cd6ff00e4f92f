"""The signing form: which fields are asked is set per petition."""

import copy
import time
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from campaign.lib.canonical import email_problem
from campaign.lib.countries import COUNTRIES, country_choices
from campaign.lib.text import bidi_controls_strip, has_letter, has_line_break_or_control
from petitions.consent import CURRENT_CONSENT_VERSION, consent_text
from petitions.models import Petition
from petitions.tokens import (
    TokenExpired,
    TokenInvalid,
    form_binding,
    started_token_make,
    started_token_read,
)

COUNTRY_CHOICES = [("", _("Choose your country")), *COUNTRIES]


def option_html(value: str, label: str, selected: bool) -> str:
    return format_html(
        '<option value="{}"{}>{}</option>', value, " selected" if selected else "", label
    )


@cache
def country_options(language: str) -> list[tuple[str, str, str]]:
    """(code, <option>, <option selected>) for every country in a language, built once."""
    with translation.override(language):
        choices = [("", str(COUNTRY_CHOICES[0][1])), *country_choices(language)]
        return [
            (code, option_html(code, label, False), option_html(code, label, True))
            for code, label in choices
        ]


class CountrySelect(forms.Select):
    """A select of ~250 countries whose options are rendered once, not on every page view.

    Django renders each <option> through a template: for this list that was most of the
    petition page's time (about 15 ms of 23 ms). The options never change, so they are built
    once per language as HTML (country_options) and only the chosen one is marked on each
    rendering. The names are in the page's language, in its alphabetical order.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> "CountrySelect":
        # Share the choices: copying them re-normalises 250 tuples for every form instance.
        result = copy.copy(self)
        result.attrs = self.attrs.copy()
        memo[id(self)] = result
        return result

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        chosen = "" if value is None else str(value)
        options = "".join(
            selected if code == chosen else plain
            for code, plain, selected in country_options(
                translation.get_language() or settings.LANGUAGE_CODE
            )
        )
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")  # noqa: S308


class CountryField(forms.ChoiceField):
    """A ChoiceField that shares its (never changed) choices between form instances.

    Every form instance deep-copies its fields; for 250 choices that copy cost more than the
    rest of the signing view's Python put together.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> "CountryField":
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices  # type: ignore[attr-defined]
        return result


# Where a cached petition page has each visitor's own `started` value (campaign/lib/pagecache.py).
STARTED_HOLE = "pagecache-hole-started"


def request_form_binding(request: HttpRequest) -> str:
    """This browser's CSRF cookie, hashed, for its form's started value (get_token() gives a
    browser without one its cookie now, so the value binds to the cookie it will send back)."""
    get_token(request)
    return form_binding(request.META.get("CSRF_COOKIE", ""))


def started_value(request: HttpRequest) -> str:
    """The signed time a form is served at, for the minimum fill time, bound to the browser."""
    return started_token_make(time.time(), binding=request_form_binding(request))


class SignatureForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        error_messages={
            "required": _("Enter your name."),
            "max_length": _("Your name can be at most 100 characters long."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send you a link to confirm your signature."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
            "max_length": _("An email address can be at most 254 characters long."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    country = CountryField(
        label=_("Country"),
        choices=COUNTRY_CHOICES,
        error_messages={
            "required": _("Choose the country you live in."),
            "invalid_choice": _("Choose a country from the list."),
        },
        widget=CountrySelect(attrs={"autocomplete": "country"}),
    )
    postcode = forms.CharField(
        label=_("Postcode or town"),
        max_length=40,
        required=False,
        error_messages={"max_length": _("Keep the postcode or town under 40 characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    show_name_publicly = forms.BooleanField(
        label=_("Show my first name and country in the list of recent signers"),
        required=False,
    )
    consent_to_contact = forms.BooleanField(label=consent_text(), required=False)
    # A field people do not see (hidden by CSS and from screen readers); programs fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, petition: Petition, binding: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.petition = petition
        # The browser's CSRF cookie, hashed (petitions.tokens.form_binding): the started value
        # is only good with the cookie it was served with.
        self.binding = binding
        if not petition.ask_country:
            del self.fields["country"]
        if not petition.ask_postcode:
            del self.fields["postcode"]
        # When the form was served; a form sent back with errors shows the time it was sent
        # with (bound data), so only a new form needs one.
        if not self.is_bound:
            self.fields["started"].initial = started_token_make(time.time(), binding=binding)
        self.consent_text_version = CURRENT_CONSENT_VERSION

    def clean_name(self) -> str:
        name = bidi_controls_strip(self.cleaned_data["name"]).strip()
        if has_line_break_or_control(name):
            raise ValidationError(_("Your name can only contain letters, spaces and punctuation."))
        if not name:
            raise ValidationError(_("Enter your name."))
        if not has_letter(name):
            raise ValidationError(_("Your name needs at least one letter."))
        return str(name)

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"])
        if problem := email_problem(email):
            raise ValidationError(problem, code="email_characters")
        return email

    def clean_postcode(self) -> str:
        postcode = bidi_controls_strip(self.cleaned_data.get("postcode", "")).strip()
        if has_line_break_or_control(postcode):
            raise ValidationError(_("The postcode or town can only contain letters and numbers."))
        return str(postcode)

    # Set by clean() when the form came back quicker than PETITION_MIN_FILL_SECONDS: the view
    # shows the same form again, values kept, and the next press signs.
    second_press_needed = False

    def started_renew(self, *, backdate: float = 0.0) -> None:
        """The form shown again carries a fresh started value, so sending it again works."""
        data = dict(self.data.items())
        data["started"] = started_token_make(time.time() - backdate, binding=self.binding)
        self.data = data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.data.get("website"):
            raise ValidationError(
                _(
                    "Your signature could not be accepted: a hidden field meant to catch robots "
                    "was filled in. If you are a person, please send the form again."
                ),
                code="honeypot",
            )
        try:
            started = started_token_read(self.data.get("started", ""), binding=self.binding)
        except TokenExpired:
            self.started_renew()
            raise ValidationError(
                _("This form was open for too long. Please check your details and send it again."),
                code="started_expired",
            ) from None
        except TokenInvalid:
            self.started_renew()
            raise ValidationError(
                _("This form was damaged or is incomplete. Please send it again."), code="started"
            ) from None
        # Only once the rest is right: a person who has errors to fix is slowed down anyway.
        # Quicker than the minimum (autofill and one tap can be): not a refusal. The same form
        # comes back with a started value old enough that the next press signs; a program
        # still has to come back once, and the honeypot and rate limits hold it.
        minimum = settings.PETITION_MIN_FILL_SECONDS
        if not self.errors and time.time() - started < minimum:
            self.second_press_needed = True
            self.started_renew(backdate=minimum)
        return cleaned or {}
