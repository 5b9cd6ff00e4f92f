// Copy the letter to the clipboard, and keep the mailto link in step with edits.
// Without JavaScript the button stays hidden and the link carries the letter as first shown.
(function () {
  "use strict";
  // Django's JavaScript catalogue (jsi18n) is loaded before this script; English without it.
  var gettext = window.gettext || function (text) { return text; };
  var button = document.getElementById("copy-letter");
  var status = document.getElementById("copy-status");
  var body = document.getElementById("id_body");
  var subject = document.getElementById("id_subject");
  var mailto = document.getElementById("mailto-link");
  if (!body) { return; }
  if (button && navigator.clipboard) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = (subject ? subject.value + "\n\n" : "") + body.value;
      navigator.clipboard.writeText(text).then(function () {
        status.textContent = gettext("Copied. Paste it into an email or a contact form.");
      }, function () {
        status.textContent = gettext("Could not copy: select the text and copy it yourself.");
      });
    });
  }
  function updateMailto() {
    if (!mailto) { return; }
    var href = mailto.getAttribute("href");
    var to = href.slice(0, href.indexOf("?"));
    mailto.setAttribute("href", to + "?subject=" + encodeURIComponent(subject ? subject.value : "") +
      "&body=" + encodeURIComponent(body.value));
  }
  body.addEventListener("input", updateMailto);
  if (subject) { subject.addEventListener("input", updateMailto); }
}());
