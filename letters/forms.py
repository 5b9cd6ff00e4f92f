from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from campaign.lib.canonical import email_problem
from campaign.lib.countries import country_names
from campaign.lib.text import bidi_controls_strip, has_letter
from letters.filling import CONTROL, NEWLINES
from letters.models import Recipient
from letters.relay import (
    NAME_MAX_CHARS,
    links,
    links_added,
    sender_name_problem,
    subject_addition,
    template_share_kept,
)
from letters.representatives.postcodes import (
    PostcodeInvalid,
    postcode_parse,
    provider_country,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ONE_LINE_MESSAGE = _("Please keep this on one line, without special characters.")


def one_line(value: str) -> str:
    """A single-line field's value; line breaks or control characters are refused, not fixed.

    They have no place in a name, subject or address line, and in an email header they are how
    an attacker would add headers of their own.
    """
    value = bidi_controls_strip(value)
    if NEWLINES.search(value) or CONTROL.search(value):
        raise forms.ValidationError(ONE_LINE_MESSAGE)
    return value.strip()


def email_checked(value: str) -> str:
    """An address the forms accept: no quoted escapes, nothing invisible (lib.canonical)."""
    if value and (problem := email_problem(value)):
        raise forms.ValidationError(problem, code="email_characters")
    return value


def person_name(value: str, *, empty_message: "StrOrPromise") -> str:
    """A name on one line with at least one letter (not only spaces or invisible characters)."""
    name = one_line(value)
    if not name:
        raise forms.ValidationError(empty_message)
    if not has_letter(name):
        raise forms.ValidationError(_("A name needs at least one letter."))
    return name


class RecipientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, constituency or organisation"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


# Line breaks around the supporter's paragraph, counted with it.
PARAGRAPH_SLACK = 10


class LetterForm(forms.Form):
    """The supporter's details and, from the preview on, the letter's text.

    `step` is "details" (before the preview: no letter text yet) or "send" (the text too).
    """

    recipient_name = forms.CharField(label=_("Their name"), max_length=200, required=False)
    recipient_title = forms.CharField(
        label=_("Their title or role"),
        max_length=200,
        required=False,
        help_text=_("For example “MP”, “Editor”, “Dr”."),
    )
    recipient_email = forms.EmailField(
        label=_("Their email address"), max_length=254, required=False
    )

    sender_name = forms.CharField(
        label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    sender_email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_(
            "We send you a link to confirm it before your letter goes out. Replies from "
            "the recipient come to this address."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    sender_address = forms.CharField(
        label=_("Your postal address"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    sender_postcode = forms.CharField(
        label=_("Postcode"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    personal_paragraph = forms.CharField(
        label=_("Why this matters to you"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    copy_to_sender = forms.BooleanField(label=_("Send me a copy of my letter"), required=False)

    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Your letter"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 24}),
    )

    DETAIL_FIELDS = (
        "recipient_name",
        "recipient_title",
        "recipient_email",
        "sender_name",
        "sender_email",
        "sender_address",
        "sender_postcode",
        "personal_paragraph",
        "copy_to_sender",
    )

    def __init__(
        self,
        *args: Any,
        recipient: Recipient | None,
        step: str = "details",
        core_text: str | None = None,
        core_subject: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The campaign's own text and subject of this letter, when the site is to send it: the
        # body must keep most of it, add no links and only so many words (letters/relay.py).
        self.core_text = core_text
        self.core_subject = core_subject
        limit = settings.LETTERS_PERSONAL_MAX_CHARS
        paragraph = self.fields["personal_paragraph"]
        paragraph.widget.attrs["maxlength"] = str(limit)
        paragraph.help_text = _(
            "A few sentences in your own words, at most %(limit)s characters (a paragraph or "
            "two): a personal letter carries more weight than a copy. We send the letter in "
            "the campaign's name, so it carries no web links; to say more, send your own "
            "letter from your email program."
        ) % {"limit": limit}

        self.recipient = recipient
        self.step = step
        if recipient is not None and not recipient.email:
            # Nothing goes through the site to them: no confirmation link is promised.
            self.fields["sender_email"].help_text = _(
                "It goes under your signature, so they can answer you. This letter is not sent "
                "through this site: you send it yourself."
            )
        if recipient is None:
            self.fields["recipient_name"].required = True
            self.fields["recipient_email"].required = True
        else:
            for name in ("recipient_name", "recipient_title", "recipient_email"):
                del self.fields[name]
        if self.asks_address:
            self.fields["sender_address"].required = True
            self.fields["sender_postcode"].required = True
            self.fields["sender_address"].help_text = _(
                "Members of parliament answer the people they represent, so they need to see "
                "that you live in their constituency. Your address is placed under your "
                "signature."
            )
        messages = {
            "recipient_name": _("Please give the name of the person you are writing to."),
            "recipient_email": _("Please give their email address, so we can send your letter."),
            "sender_name": _("Please tell us your name."),
            "sender_email": _("Please give your email address: we send you a link to confirm it."),
            "sender_address": _("Please give your postal address."),
            "sender_postcode": _("Please give your postcode."),
            "subject": _("Please give your letter a subject."),
            "body": _("Your letter is empty: please write something."),
        }
        for name, message in messages.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message
        if step == "send":
            self.fields["subject"].required = True
            self.fields["body"].required = True

    @property
    def asks_address(self) -> bool:
        return (
            self.recipient is not None
            and self.recipient.kind == Recipient.Kind.MEMBER_OF_PARLIAMENT
        )

    def detail_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.DETAIL_FIELDS if name in self.fields]

    def clean_recipient_name(self) -> str:
        if not self.cleaned_data["recipient_name"]:
            return ""
        return person_name(
            self.cleaned_data["recipient_name"],
            empty_message=_("Please give the name of the person you are writing to."),
        )

    def clean_recipient_email(self) -> str:
        return email_checked(self.cleaned_data["recipient_email"])

    def clean_sender_email(self) -> str:
        return email_checked(self.cleaned_data["sender_email"])

    def clean_recipient_title(self) -> str:
        return one_line(self.cleaned_data["recipient_title"])

    def clean_sender_name(self) -> str:
        name = person_name(
            self.cleaned_data["sender_name"], empty_message=_("Please tell us your name.")
        )
        match sender_name_problem(name):
            case "too_long":
                raise forms.ValidationError(
                    _("Please give your name in at most %(limit)s characters.")
                    % {"limit": NAME_MAX_CHARS}
                )
            case "address":
                raise forms.ValidationError(
                    _(
                        "Please give just your name: no email address, web address or angle "
                        "brackets. Your letter goes out as “your name via the campaign”."
                    )
                )
        return name

    def clean_sender_postcode(self) -> str:
        return one_line(self.cleaned_data["sender_postcode"])

    def clean_sender_address(self) -> str:
        value = bidi_controls_strip(self.cleaned_data["sender_address"])
        if CONTROL.search(NEWLINES.sub("", value)):
            raise forms.ValidationError(_("Please use only letters, numbers and punctuation."))
        return str(value).strip()

    def clean_personal_paragraph(self) -> str:
        value = bidi_controls_strip(self.cleaned_data["personal_paragraph"])
        value = value.replace("\r\n", "\n")
        if CONTROL.search(NEWLINES.sub("", value.replace("\t", ""))):
            raise forms.ValidationError(_("Please use only letters, numbers and punctuation."))
        if links(value):
            raise forms.ValidationError(
                _("Please leave out web links: a letter in your own words needs none.")
            )
        limit = settings.LETTERS_PERSONAL_MAX_CHARS
        if len(value.strip()) > limit:
            raise forms.ValidationError(
                _(
                    "Please keep your own words to %(limit)s characters: we send this letter in "
                    "the campaign's name. You can say more in a letter from your own email "
                    "program."
                )
                % {"limit": limit}
            )
        return value.strip()

    def clean_subject(self) -> str:
        subject = one_line(self.cleaned_data["subject"])
        if self.core_text is not None and links(subject):
            raise forms.ValidationError(_("Please leave out web links."))
        if self.core_subject is not None and subject:
            added = subject_addition(template_subject=self.core_subject, subject=subject)
            if added is None or len(added) > settings.LETTERS_SUBJECT_ADDITION_MAX:
                raise forms.ValidationError(
                    _(
                        "We send this letter in the campaign's name, so its subject stays “"
                        "%(subject)s”. You may add a few words (at most %(limit)s characters) "
                        "before or after it."
                    )
                    % {"subject": self.core_subject, "limit": settings.LETTERS_SUBJECT_ADDITION_MAX}
                )
        return subject

    def clean_body(self) -> str:
        value = bidi_controls_strip(self.cleaned_data["body"]).replace("\r\n", "\n")
        if CONTROL.search(NEWLINES.sub("", value.replace("\t", ""))):
            raise forms.ValidationError(_("Please use only letters, numbers and punctuation."))
        value = str(value).strip()
        if self.core_text is not None and value:
            if links_added(template_text=self.core_text, text=value):
                raise forms.ValidationError(
                    _(
                        "Please leave out web links: we send this letter in the campaign's "
                        "name, and a letter with links looks like spam."
                    )
                )
            added = len(value) - len(self.core_text)
            if added > settings.LETTERS_PERSONAL_MAX_CHARS + PARAGRAPH_SLACK:
                raise forms.ValidationError(
                    _(
                        "Please keep what you add to %(limit)s characters (a paragraph or two): "
                        "we send this letter in the campaign's name. You can say more in a "
                        "letter from your own email program."
                    )
                    % {"limit": settings.LETTERS_PERSONAL_MAX_CHARS}
                )
            share = settings.LETTERS_TEMPLATE_SHARE_MIN
            if template_share_kept(template_text=self.core_text, body=value) < share:
                raise forms.ValidationError(
                    _(
                        "We send this letter in the campaign's name, so most of the campaign's "
                        "text must stay in it. Add your own words rather than replacing ours, "
                        "or send your own letter from your email program."
                    )
                )
        return value


class PostcodeForm(forms.Form):
    """“Enter your postcode”: the country chosen, or worked out from the postcode's format.

    Everything is checked here, before any call goes out: a postcode that is too long, has
    control characters, or has another country's format gets a sentence next to the field.
    """

    template = forms.SlugField(widget=forms.HiddenInput)
    country = forms.ChoiceField(label=_("Country"), required=False)
    # No max_length here: postcode_parse says "too long" in words a supporter understands.
    postcode = forms.CharField(
        label=_("Your postcode"),
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "autocapitalize": "characters", "size": 10}
        ),
        error_messages={"required": _("Please enter your postcode.")},
    )

    def __init__(self, *args: Any, providers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.providers = providers
        countries = [p for p in (provider_country(key) for key in providers) if p]
        self.countries = countries
        self.directory = "directory" in providers
        choices: list[tuple[str, StrOrPromise]] = (
            [("", _("Work it out from my postcode"))] if len(countries) > 1 else []
        )
        names = country_names(translation.get_language() or settings.LANGUAGE_CODE)
        choices += [(c, names[c]) for c in countries]
        if self.directory:
            choices.append(("other", _("Another country")))
        cast(forms.ChoiceField, self.fields["country"]).choices = choices
        if len(choices) <= 1:
            self.fields["country"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "postcode" not in data:
            return data
        chosen = data.get("country") or ""
        countries = [chosen] if chosen in self.countries else self.countries
        if chosen == "other":
            countries = []
        try:
            data["parsed"] = postcode_parse(
                data["postcode"], countries=countries, directory=self.directory
            )
        except PostcodeInvalid as error:
            self.add_error("postcode", str(error))
        return data

    @property
    def provider(self) -> str:
        """The provider for the parsed postcode's country."""
        country = self.cleaned_data["parsed"].country
        for key in self.providers:
            if provider_country(key) == country:
                return key
        return "directory"
