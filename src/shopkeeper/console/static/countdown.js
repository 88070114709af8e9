// Live countdowns to case deadlines.
//
// The server writes each countdown as text ("2d 20h left") and gives the seconds that were left
// when it rendered the page (data-seconds). This script counts down from those seconds on the
// browser's own monotonic clock, so it is right whatever the browser's wall clock says and
// whether the engine runs on real or simulated time. Words come from the page's language
// (the JSON in #countdown-words). Without the script the server's text stays as it is.
(function () {
  "use strict";
  var source = document.getElementById("countdown-words");
  var items = document.querySelectorAll("[data-countdown]");
  if (!source || !items.length) { return; }
  var words = JSON.parse(source.textContent);
  var started = performance.now();

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function span(total) {
    var days = Math.floor(total / 86400);
    var hours = Math.floor(total % 86400 / 3600);
    var minutes = Math.floor(total % 3600 / 60);
    var seconds = total % 60;
    var parts = [];
    if (days) { parts.push(days + words.d); }
    if (days || hours) { parts.push(hours + words.h); }
    parts.push((days || hours ? pad(minutes) : minutes) + words.m);
    parts.push(pad(seconds) + words.s);
    return parts.join(words.sep);
  }

  function tick() {
    var elapsed = Math.floor((performance.now() - started) / 1000);
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var left = parseInt(item.getAttribute("data-seconds"), 10) - elapsed;
      var text;
      if (left > 0) {
        text = words.left.replace("{t}", span(left));
      } else if (item.getAttribute("data-seconds") > 0) {
        text = words.due_now;  // it ran out while the page was open: the timer acts now
      } else {
        text = words.overdue.replace("{t}", span(-left));
      }
      if (item.textContent !== text) { item.textContent = text; }
      item.classList.toggle("overdue", left <= 0);
      item.classList.toggle("left", left > 0);
    }
  }

  tick();
  setInterval(tick, 1000);
})();
