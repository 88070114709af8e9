// Asks before sending a form marked data-confirm (ending a promotion cannot be undone).
// A file rather than an inline onsubmit, so the pages' Content-Security-Policy can forbid inline script.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute ? form.getAttribute("data-confirm") : null;
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
