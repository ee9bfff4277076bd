// The long texts' editor (django-prose-editor) in the admin, made to read as the rest
// of the form:
// - its toolbar's tooltips and accessible names, which it writes in English outside
//   its catalogue, in the admin's language (the script's data-labels: English label
//   -> translation);
// - its text box named after the field, described by the field's help, and given an
//   id (the field's + "_editor") that links to the field can focus (translation-links.js).
// A MutationObserver fixes editors as they appear (rows added to an inline too) and
// the block type button, which the editor renames as the cursor moves.
"use strict";

(function () {
  var labels = JSON.parse(document.currentScript.dataset.labels || "{}");

  // The translation when it differs: renaming to the same name would be observed
  // as a change again, without end.
  function translated(text) {
    var name = labels[(text || "").trim().toLowerCase()];
    return name !== text ? name : undefined;
  }

  function nameTextBox(editor) {
    var field = editor.querySelector("textarea");
    var box = editor.querySelector('[contenteditable="true"]');
    if (!field || !box || box.id) {
      return;
    }
    box.id = field.id + "_editor";
    var label = document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
    var name = label ? label.textContent.trim().replace(/\s*:$/, "") : field.getAttribute("aria-label");
    if (name) {
      box.setAttribute("aria-label", name);
    }
    if (field.hasAttribute("aria-describedby")) {
      box.setAttribute("aria-describedby", field.getAttribute("aria-describedby"));
    }
    if (label) {
      label.addEventListener("click", function () {
        box.focus();
      });
    }
  }

  function fix(editor) {
    nameTextBox(editor);
    editor.querySelectorAll(".prose-menubar [title]").forEach(function (button) {
      var name = translated(button.getAttribute("title"));
      if (name) {
        button.setAttribute("title", name);
        button.setAttribute("aria-label", name);
      }
    });
    editor.querySelectorAll(".prose-menubar__option > *").forEach(function (option) {
      var name = translated(option.textContent);
      if (name) {
        option.textContent = name;
      }
    });
  }

  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      var target = change.target.nodeType === 1 ? change.target : change.target.parentElement;
      var editor = target && target.closest(".prose-editor");
      if (editor) {
        fix(editor);
      }
    });
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["title"],
  });
})();
