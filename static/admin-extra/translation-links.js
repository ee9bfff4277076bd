// Opens a change form at a field in a language, from the "Translations" page:
// #translate=en&field=name, or for an inline row #translate=en&field=text&inline=items&pk=7.
// Runs once django-modeltranslation has built its language tabs: in a ready handler
// of the jQuery it uses, queued after its own (jQuery runs ready handlers later than
// the window's "load" event at times).
"use strict";

(window.jQuery || window.django.jQuery)(function () {
  window.setTimeout(openField, 0);
});

function openField() {
  var params = new URLSearchParams(window.location.hash.slice(1));
  var language = params.get("translate");
  var fieldName = params.get("field");
  if (!language || !fieldName) {
    return;
  }
  // The main switch changes every tab of the form to the language.
  var select = document.getElementById("modeltranslation-main-switch");
  if (select) {
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.textContent.replace("-", "_") === language) {
        select.value = option.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }
  var prefix = "id_";
  var inline = params.get("inline");
  if (inline) {
    var idInputs = document.querySelectorAll('input[name^="' + inline + '-"][name$="-id"]');
    var row = Array.prototype.find.call(idInputs, function (input) {
      return input.value === params.get("pk");
    });
    if (!row) {
      return;
    }
    prefix = "id_" + row.name.slice(0, -"id".length);
  }
  var id = prefix + fieldName + "_" + language;
  // A formatted text is edited in its editor's text box (rich-text-editor.js).
  var field = document.getElementById(id + "_editor") || document.getElementById(id);
  if (field) {
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }
}
