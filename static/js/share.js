// Share buttons: the phone's own share sheet where the browser has one, a copy button for the
// link, and a count per channel sent as a beacon (POST, no cookie, no personal data). Without
// JavaScript the share links still work and the link can be selected and copied by hand.
(function () {
  "use strict";
  // Django's JavaScript catalogue (jsi18n), loaded before this script; English without it.
  var gettext = window.gettext || function (text) { return text; };
  var boxes = document.querySelectorAll("[data-share]");

  function count(box, channel, event) {
    var url = box.getAttribute("data-beacon-url");
    if (!url || !navigator.sendBeacon) { return; }
    var data = new FormData();
    data.append("channel", channel);
    data.append("event", event);
    navigator.sendBeacon(url, data);
  }

  Array.prototype.forEach.call(boxes, function (box) {
    var status = box.querySelector("[data-share-status]");
    Array.prototype.forEach.call(box.querySelectorAll("[data-share-channel]"), function (link) {
      link.addEventListener("click", function () {
        count(box, link.getAttribute("data-share-channel"), "share");
      });
    });
    var native = box.querySelector("[data-share-native]");
    if (native && navigator.share) {
      native.parentNode.hidden = false;
      native.addEventListener("click", function () {
        navigator.share({ title: native.getAttribute("data-title"), url: native.getAttribute("data-url") })
          .then(function () { count(box, "native", "share"); }, function () { /* cancelled */ });
      });
    }
    var input = box.querySelector("[data-share-url]");
    var copy = box.querySelector("[data-share-copy]");
    if (input && copy && navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () {
          status.textContent = gettext("Link copied.");
          count(box, "copy", "share");
        }, function () {
          input.select();
          status.textContent = gettext("Select the link and copy it.");
        });
      });
    }
    if (input) {
      input.addEventListener("focus", function () { input.select(); });
      input.addEventListener("copy", function () { count(box, "copy", "share"); });
    }
  });

  // A visit that came by a share link: counted once per page load, by channel only.
  var params = new URLSearchParams(window.location.search);
  var source = params.get("utm_source");
  if (boxes.length && source && params.get("utm_medium") === "share") {
    count(boxes[0], source, "visit");
  }
}());
