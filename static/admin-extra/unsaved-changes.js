// Asks before leaving a change form whose changes are not saved: any typing or choice
// in the form marks it changed, and so do rows put in another order; the browser's own
// "leave the page?" dialog warns while it is, and submitting the form (to save it)
// clears the mark.
"use strict";

(function () {
  // The saved rows' hidden order numbers, which adminsortable2 rewrites after a drag
  // or an arrow's press without an input event.
  function rowOrder(form) {
    return Array.prototype.map
      .call(form.querySelectorAll(".has_original input._reorder_"), function (input) {
        return input.name + "=" + input.value;
      })
      .join("&");
  }

  function watch(form) {
    var changed = false;
    var loadedOrder = rowOrder(form);
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
      loadedOrder = rowOrder(form);
    });
    window.addEventListener("beforeunload", function (event) {
      if (changed || rowOrder(form) !== loadedOrder) {
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
