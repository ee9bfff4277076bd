// Names the long texts' toolbar buttons in the admin's language: django-prose-editor
// writes their tooltips and accessible names in English, outside its catalogue. The
// names come from the page (the script's data-labels, English label -> translation);
// a MutationObserver renames the buttons of editors added later (inline rows) and the
// block type button, which the editor renames as the cursor moves.
"use strict";

(function () {
  var labels = JSON.parse(document.currentScript.dataset.labels || "{}");

  function translated(text) {
    return labels[(text || "").trim().toLowerCase()];
  }

  function rename(root) {
    root.querySelectorAll(".prose-menubar [title]").forEach(function (button) {
      var name = translated(button.getAttribute("title"));
      if (name) {
        button.setAttribute("title", name);
        button.setAttribute("aria-label", name);
      }
    });
    root.querySelectorAll(".prose-menubar__option > *").forEach(function (option) {
      var name = translated(option.textContent);
      if (name) {
        option.textContent = name;
      }
    });
  }

  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      var target = change.target.nodeType === 1 ? change.target : change.target.parentElement;
      if (target && target.closest(".prose-editor")) {
        rename(target.closest(".prose-editor"));
      }
    });
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["title"],
  });
})();
