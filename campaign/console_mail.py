"""The development console's email backend: each message readable as its recipient would see it.

Django's console backend prints the message as it goes over the wire. A body with a line longer
than 78 characters (every confirmation link) is quoted-printable there, so links are broken by
`=` soft line breaks and `=3D` escapes, and a newcomer running `make run` cannot click through
the confirmation. This one prints the headers that matter and the text part decoded.
"""

from django.core.mail import EmailMessage
from django.core.mail.backends import console

SHOWN_HEADERS = ("From", "To", "Reply-To", "Subject")


class EmailBackend(console.EmailBackend):
    def write_message(self, message: EmailMessage) -> None:
        mime = message.message()
        lines = [f"{name}: {mime[name]}" for name in SHOWN_HEADERS if mime[name]]
        for part in mime.walk():
            if part.is_multipart():
                continue
            if part.get_content_type() == "text/plain":
                lines += ["", part.get_content().rstrip()]
            else:
                lines += ["", f"[{part.get_content_type()} part, not shown here]"]
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")
