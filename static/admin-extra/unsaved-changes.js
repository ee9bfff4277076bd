// Asks before leaving a change form whose changes are not saved: any typing or choice
// in the form marks it changed, the browser's own "leave the page?" dialog warns while
// it is, and submitting the form (to save it) clears the mark.
"use strict";

(function () {
  function watch(form) {
    var changed = false;
    function mark(event) {
      // Only fields the form submits: not the page-wide language switch, say.
      if (event.target.name) {
        changed = true;
      }
    }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () {
      changed = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (changed) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.body.classList.contains("change-form")
      && document.querySelector("#content-main form");
    if (form) {
      watch(form);
    }
  });
})();
