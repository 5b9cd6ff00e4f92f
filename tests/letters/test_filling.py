from letters.filling import fill_letter, salutation

TEMPLATE = (
    "Dear {recipient_salutation},\n\n"
    "To {recipient_name}, {recipient_title}, {recipient_organisation}, "
    "{recipient_constituency}, on {date}.\n\n"
    "My best regards,\n\n{sender_name}\n{sender_address}\n{sender_postcode}\n{sender_email}"
)
VALUES = {
    "recipient_name": "Jane Smith",
    "recipient_title": "MP",
    "recipient_organisation": "House of Commons",
    "recipient_constituency": "Exampleton",
    "sender_name": "Ann Lee",
    "sender_address": "1 High Street\nExampleton",
    "sender_postcode": "EX1 1AA",
    "sender_email": "ann@example.org",
    "date": "22 November 2026",
}


def test_every_place_is_filled():
    letter = fill_letter(subject="For {recipient_name}", body=TEMPLATE, values=VALUES)
    assert letter.subject == "For Jane Smith"
    assert letter.body.startswith("Dear Jane Smith MP,\n")
    assert "To Jane Smith, MP, House of Commons, Exampleton, on 22 November 2026." in letter.body
    assert letter.body.endswith("Ann Lee\n1 High Street\nExampleton\nEX1 1AA\nann@example.org")
    assert "{" not in letter.body


def test_salutation_uses_title_and_name_and_falls_back_politely():
    assert salutation(title="Dr", name="Jane Smith") == "Dr Jane Smith"
    assert salutation(title="", name="The Guardian") == "The Guardian"
    assert salutation(title="MP", name="Jane Smith") == "Jane Smith MP"
    assert salutation(title="Editor", name="Sam Jones") == "Sam Jones"
    assert salutation(title="Dr", name="") == "Sir or Madam"
    assert salutation() == "Sir or Madam"


def test_missing_values_leave_no_empty_lines_or_placeholders():
    letter = fill_letter(
        subject="Hello",
        body=TEMPLATE,
        values={"sender_name": "Ann Lee", "sender_email": "ann@example.org"},
    )
    assert letter.body.startswith("Dear Sir or Madam,\n")
    assert letter.body.endswith("My best regards,\n\nAnn Lee\nann@example.org")
    assert "{" not in letter.body


def test_a_value_is_never_read_as_template_code():
    hostile = {
        **VALUES,
        "sender_name": "{sender_email} {x.__class__} {0} {recipient_name!r}",
        "recipient_name": "{{date}}",
    }
    letter = fill_letter(subject="{recipient_name}", body=TEMPLATE, values=hostile)
    assert "{sender_email} {x.__class__} {0} {recipient_name!r}" in letter.body
    assert letter.subject == "{{date}}"
    assert "ann@example.org ann@example.org" not in letter.body


def test_unknown_places_and_format_tricks_in_the_template_stay_as_written():
    letter = fill_letter(
        subject="s",
        body="{unknown} {sender_name.__class__} {sender_name!r} {sender_name}",
        values=VALUES,
    )
    assert letter.body == "{unknown} {sender_name.__class__} {sender_name!r} Ann Lee"


def test_line_breaks_in_single_line_values_cannot_reach_a_header():
    letter = fill_letter(
        subject="Re: {recipient_name}",
        body="Dear {recipient_salutation},",
        values={
            **VALUES,
            "recipient_name": "Jane\r\nBcc: x@example.org",
            "recipient_title": "",
        },
    )
    assert letter.subject == "Re: Jane Bcc: x@example.org"
    assert letter.body == "Dear Jane Bcc: x@example.org,"


def test_the_address_keeps_its_lines_but_loses_control_characters():
    letter = fill_letter(
        subject="s", body="{sender_address}", values={"sender_address": "1 High St\r\nTown\x00\x07"}
    )
    assert letter.body == "1 High St\nTown"
