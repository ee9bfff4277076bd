// Names, for assistive technology, what third-party scripts build in the admin after
// the page has loaded: Django's autocomplete boxes (select2) and django-modeltranslation's
// language tabs and page-wide language switch. Each is fixed when it appears (a
// MutationObserver), so rows added to an inline and boxes select2 redraws are covered.
// adminsortable2's "move to first/last position" arrows are made keyboard buttons.
"use strict";

(function () {
  var $ = window.django && window.django.jQuery;
  var switchLabel = document.currentScript.dataset.languageSwitchLabel;
  // {"pl": "po polsku", "en": "po angielsku"}, in the admin's language.
  var languageNames = JSON.parse(document.currentScript.dataset.languageNames || "{}");

  // jQuery UI makes each tab's <li> the focusable tab, and leaves the link inside it
  // focusable too: an interactive control nested in another. Its link is taken out
  // (nameTabs below), so jQuery UI is told such a tab shows a panel of this page rather
  // than content to fetch. Done before django-modeltranslation builds its tabs, on ready.
  if ($ && $.ui && $.ui.tabs) {
    $.widget("ui.tabs", $.ui.tabs, {
      _isLocal: function (anchor) {
        return !anchor.hasAttribute("href") || this._super(anchor);
      },
    });
  }

  // The text of the field's <label> without its colon, or the field's own aria-label
  // (tabular inline rows have no <label>s).
  function fieldName(field) {
    var label = field.id && document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
    var text = label ? label.textContent : field.getAttribute("aria-label") || "";
    return text.trim().replace(/\s*:$/, "");
  }

  function nameAutocompletes() {
    document.querySelectorAll("select.select2-hidden-accessible").forEach(function (select) {
      var container = select.nextElementSibling;
      var name = fieldName(select);
      if (!name || !container || !container.classList.contains("select2")) {
        return;
      }
      // A single choice box: select2 names it by the text box inside it, whose name,
      // as part of another's, is its text (empty when nothing is chosen; "×" before the
      // choice). A hidden name of its own says the field, then the choice (select2
      // keeps the choice in the text box's title).
      container.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach(function (rendered) {
        rendered.setAttribute("aria-label", name);
        var combobox = rendered.closest("[role=combobox]");
        if (!combobox || !rendered.id) {
          return;
        }
        var nameId = rendered.id + "-name";
        var accessibleName = container.querySelector("#" + CSS.escape(nameId));
        if (!accessibleName) {
          accessibleName = document.createElement("span");
          accessibleName.id = nameId;
          accessibleName.hidden = true;
          container.appendChild(accessibleName);
          combobox.setAttribute("aria-labelledby", nameId);
        }
        var choice = rendered.getAttribute("title");
        var text = choice ? name + " " + choice : name;
        if (accessibleName.textContent !== text) {
          accessibleName.textContent = text;
        }
      });
      container.querySelectorAll(".select2-selection--multiple, .select2-search__field").forEach(function (element) {
        element.setAttribute("aria-label", name);
      });
      // "Remove all items" sits in the list of chosen items, where only items belong; it
      // takes the mouse only (the keyboard removes items with Backspace).
      container.querySelectorAll(".select2-selection__clear").forEach(function (clear) {
        clear.setAttribute("aria-hidden", "true");
      });
    });
  }

  function nameTabs() {
    document.querySelectorAll(".ui-tabs-nav .ui-tabs-anchor[href]").forEach(function (anchor) {
      anchor.removeAttribute("href");
      anchor.removeAttribute("tabindex");
    });
  }

  function nameLanguageSwitch() {
    var select = document.getElementById("modeltranslation-main-switch");
    if (select && switchLabel) {
      select.setAttribute("aria-label", switchLabel);
    }
  }

  // A translated field's box in each language, named with its language: the tabs
  // show it, but django-modeltranslation takes it out of the label, so both boxes
  // were "Nazwa" to a screen reader. A formatted text's editor box too.
  function nameLanguageVersions() {
    document.querySelectorAll("input.mt, textarea.mt, select.mt").forEach(function (field) {
      var code = (/(?:^|\s)mt-field-\S+-([a-z]{2})(?:\s|$)/.exec(field.className) || [])[1];
      var language = code && languageNames[code];
      if (!language) {
        return;
      }
      if (!field.dataset.fieldName) {
        field.dataset.fieldName = fieldName(field).replace(/\s*\[[a-z-]+\]$/, "");
      }
      if (!field.dataset.fieldName) {
        return;
      }
      var name = field.dataset.fieldName + " (" + language + ")";
      var editor = field.closest(".prose-editor");
      var box = editor && editor.querySelector('[contenteditable="true"]');
      [field, box].forEach(function (element) {
        if (element && element.getAttribute("aria-label") !== name) {
          element.setAttribute("aria-label", name);
        }
      });
    });
  }

  // The "filter" icons of Django's two-list pickers (permissions, groups) carry a
  // name, which a bare <span> may not: they are images.
  function roleFilterIcons() {
    document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  // adminsortable2's arrows on an inline row are <i role="button">, which only a mouse
  // reaches: the keyboard's way to put rows in order, dragging being the mouse's.
  var ROW_ARROWS = "fieldset.sortable .sort i[role=button]";

  function focusRowArrows() {
    document.querySelectorAll(ROW_ARROWS + ":not([tabindex])").forEach(function (arrow) {
      arrow.setAttribute("tabindex", "0");
    });
  }

  document.addEventListener("keydown", function (event) {
    var arrow = event.target.closest && event.target.closest(ROW_ARROWS);
    if (!arrow || (event.key !== "Enter" && event.key !== " ")) {
      return;
    }
    event.preventDefault(); // Space would scroll the page
    arrow.click();
    // The row moved, and the focus left it with the page: it stays on the arrow.
    arrow.focus();
  });

  function nameAll() {
    roleFilterIcons();
    focusRowArrows();
    nameAutocompletes();
    nameTabs();
    nameLanguageSwitch();
    nameLanguageVersions();
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
  });

  // An opened box: its search box and list of choices, and the list it controls.
  if ($) {
    $(document)
      .on("select2:open", function (event) {
        var name = fieldName(event.target);
        var results = document.querySelector(".select2-container--open .select2-results__options");
        document
          .querySelectorAll(".select2-container--open .select2-search__field, .select2-container--open .select2-results__options")
          .forEach(function (element) {
            element.setAttribute("aria-label", name);
          });
        var selection = event.target.nextElementSibling.querySelector(".select2-selection");
        if (results && results.id && selection) {
          selection.setAttribute("aria-controls", results.id);
        }
      })
      .on("select2:close", function (event) {
        // The list leaves the page when the box closes.
        var selection = event.target.nextElementSibling.querySelector(".select2-selection");
        if (selection) {
          selection.removeAttribute("aria-controls");
        }
      });
  }
})();
