/* The public pages' few enhancements. An external file: the CSP allows no inline
   script. Without JavaScript, what needs it stays hidden and the pages work as they are. */
(function () {
  "use strict";

  // "Print": rendered hidden, shown once it can work.
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
    (button.closest("[data-page-tools]") || button).hidden = false;
  }

  // A table wider than its column (a phone, large text): say that it scrolls.
  const notes = [];
  for (const note of document.querySelectorAll("[data-scroll-note]")) {
    const table = document.getElementById(note.dataset.scrollNote);
    if (table) notes.push({ note, table });
  }
  const update = () => {
    for (const { note, table } of notes) {
      note.hidden = table.scrollWidth <= table.clientWidth + 1;
    }
  };
  if (notes.length) {
    update();
    if ("ResizeObserver" in window) {
      const observer = new ResizeObserver(update);
      for (const { table } of notes) observer.observe(table);
    } else {
      window.addEventListener("resize", update);
    }
  }
})();
