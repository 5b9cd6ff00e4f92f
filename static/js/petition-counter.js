// Refreshes a petition counter from its count.json every few seconds. The page works without
// it: the server renders the same counter. Only changed numbers are written, so the live
// region speaks when the count moves, not on every poll.
(function () {
  "use strict";
  var INTERVAL_MS = 5000;
  var counters = document.querySelectorAll("[data-count-url]");
  if (!counters.length || !window.fetch) {
    return;
  }
  // Numbers as the page's language writes them ("15 000" in French), as the server does.
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  };

  function update(counter, data) {
    var countEl = counter.querySelector("[data-count]");
    var goalEl = counter.querySelector("[data-goal]");
    var progress = counter.querySelector("[data-progress]");
    var original = counter.querySelector("[data-original-goal]");
    var countText = format.format(data.count);
    var goalText = format.format(data.goal);
    if (countEl && countEl.textContent !== countText) {
      countEl.textContent = countText;
    }
    if (goalEl && goalEl.textContent !== goalText) {
      goalEl.textContent = goalText;
    }
    if (progress) {
      progress.max = data.goal;
      progress.value = Math.min(data.count, data.goal);
      progress.textContent = interpolate(
        gettext("%(count)s of %(goal)s"), { count: countText, goal: goalText }, true
      );
    }
    if (original) {
      original.hidden = data.count < data.original_goal;
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
    window.setTimeout(function () { poll(counter); }, INTERVAL_MS);
  });
})();
