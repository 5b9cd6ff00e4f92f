// Refreshes a petition counter from its count.json every few seconds. The page works without
// it: the server renders the same counter. The visible numbers change at once; a screen reader
// hears the new count through a separate polite live region at most once a minute, so the
// counter does not talk over someone filling in the form.
(function () {
  "use strict";
  var INTERVAL_MS = 5000;
  var ANNOUNCE_EVERY_MS = 60000;
  var counters = document.querySelectorAll("[data-count-url]");
  if (!counters.length || !window.fetch) {
    return;
  }
  // Numbers as the page writes them ("15 000" in French), with the separator the page gives:
  // browsers' own locale data differs (Chromium has none for Azerbaijani).
  function formatter(counter) {
    var separator = counter.getAttribute("data-thousand-separator");
    if (separator === null) {
      return new Intl.NumberFormat(document.documentElement.lang || undefined);
    }
    return {
      format: function (n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator); }
    };
  }
  // Django's JavaScript catalogue (jsi18n), loaded before this script; English without it.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  };

  function permille(count, goal) {
    if (count <= 0 || goal <= 0) { return 0; }
    return Math.max(20, Math.min(1000, Math.round(1000 * count / goal)));
  }

  function announce(counter, text) {
    var region = counter.querySelector("[data-count-announce]");
    if (!region) { return; }
    var now = Date.now();
    var last = counter._lastAnnounced || 0;
    counter._pendingAnnouncement = text;
    if (now - last >= ANNOUNCE_EVERY_MS) {
      region.textContent = text;
      counter._lastAnnounced = now;
      counter._pendingAnnouncement = null;
    }
  }

  function update(counter, data) {
    var countEl = counter.querySelector("[data-count]");
    var wordsEl = counter.querySelector("[data-count-words]");
    var goalEl = counter.querySelector("[data-goal]");
    var progress = counter.querySelector("[data-progress]");
    var fill = counter.querySelector("[data-progress-fill]");
    var original = counter.querySelector("[data-original-goal]");
    var format = formatter(counter);
    var countText = format.format(data.count);
    var goalText = format.format(data.goal);
    var changed = countEl && countEl.textContent !== countText;
    if (changed) {
      countEl.textContent = countText;
    }
    if (wordsEl) {
      var words = ngettext("person has signed", "people have signed", data.count);
      if (wordsEl.textContent !== words) { wordsEl.textContent = words; }
    }
    if (goalEl && goalEl.textContent !== goalText) {
      goalEl.textContent = goalText;
    }
    if (progress) {
      progress.setAttribute("aria-valuemax", String(data.goal));
      progress.setAttribute("aria-valuenow", String(Math.min(data.count, data.goal)));
      progress.setAttribute("aria-valuetext", interpolate(
        gettext("%(count)s of %(goal)s"), { count: countText, goal: goalText }, true
      ));
    }
    if (fill) {
      fill.setAttribute("width", String(permille(data.count, data.goal)));
    }
    if (original) {
      original.hidden = data.count < data.original_goal;
    }
    if (changed) {
      var text = counter.querySelector(".counter-text");
      announce(counter, text ? text.textContent : countText);
    } else if (counter._pendingAnnouncement) {
      announce(counter, counter._pendingAnnouncement);
    }
  }

  function poll(counter) {
    if (document.hidden) {
      window.setTimeout(function () { poll(counter); }, INTERVAL_MS);
      return;
    }
    fetch(counter.getAttribute("data-count-url"), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { update(counter, data); } })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .then(function () { window.setTimeout(function () { poll(counter); }, INTERVAL_MS); });
  }

  Array.prototype.forEach.call(counters, function (counter) {
    // The page was just read with its count: the first change waits a minute to be spoken.
    counter._lastAnnounced = Date.now();
    window.setTimeout(function () { poll(counter); }, INTERVAL_MS);
  });
})();
