// The export page's "Select all" checkbox, wired up here rather than by an inline
// onchange attribute, which the Content-Security-Policy blocks.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("input.select-toggle");
  if (!toggle) {
    return;
  }
  toggle.addEventListener("change", () => {
    const boxes = document.querySelectorAll(
      '.selectable-field-export-row input[type="checkbox"]:not(.select-toggle)'
    );
    boxes.forEach((box) => {
      box.checked = toggle.checked;
    });
  });
});
