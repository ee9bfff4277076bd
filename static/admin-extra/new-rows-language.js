// A row added to an inline opens in the language chosen with "Language of all fields"
// (the first, Polish, until staff choose another there), not in the tab clicked last:
// django-modeltranslation moves that switch with every tab clicked and opens new rows
// on it, so text typed into a new row landed in whichever language was looked at last.
"use strict";

(function () {
  var $ = window.django && window.django.jQuery;
  if (!$) {
    return;
  }
  var chosen = 0;

  // Only a choice made with the switch fires "change"; tab clicks set its value quietly.
  $(document).on("change", "#modeltranslation-main-switch", function () {
    chosen = parseInt(this.value, 10) || 0;
  });

  $(document).on("formset:added", function (event) {
    var row = event.target;
    // After django-modeltranslation's own handler, which builds the row's tabs.
    window.setTimeout(function () {
      $(row).find(".ui-tabs").tabs("option", "active", chosen);
      $("#modeltranslation-main-switch").val(chosen);
    }, 0);
  });
})();
