// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";
  // Filter forms submit on change of a select, so lists refresh without a click.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.tagName === "SELECT") {
      form.requestSubmit();
    }
  });
  // Confirm buttons that carry data-confirm before they submit.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // RACI grid: arrow keys and Enter move between cells like a spreadsheet; the cell
  // saves on change (htmx), so moving away is enough to save it.
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("raci-cell") || input.tagName !== "INPUT") {
      return;
    }
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], Enter: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    var move = moves[event.key];
    if (!move) {
      return;
    }
    var grid = input.closest("table");
    var rows = Array.prototype.slice.call(grid.querySelectorAll("tbody tr")).filter(function (tr) {
      return tr.querySelector("input.raci-cell");
    });
    var row = rows.indexOf(input.closest("tr"));
    var cells = Array.prototype.slice.call(rows[row].querySelectorAll("input.raci-cell"));
    var col = cells.indexOf(input);
    var targetRow = rows[row + move[0]];
    if (!targetRow) {
      if (event.key === "Enter") {
        input.dispatchEvent(new Event("change", { bubbles: true }));
        event.preventDefault();
      }
      return;
    }
    var target = targetRow.querySelectorAll("input.raci-cell")[col + move[1]];
    if (target) {
      event.preventDefault();
      target.focus();
      target.select();
    }
  });
  // Typing a letter replaces the cell's content (like a spreadsheet).
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("raci-cell") && event.target.select) {
      event.target.select();
    }
  });
  // Drafts: an edit form marked data-draft keeps what the user types in this browser
  // (localStorage, never the server), so a closed tab, an expired session or a
  // navigation does not lose a half-written requirement. Coming back offers to
  // restore it; saving the form (or discarding) forgets it.
  var DRAFT_PREFIX = "siam-draft:";
  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "return_url" &&
        el.type !== "file" && el.type !== "password" && el.type !== "submit" && el.type !== "button";
    });
  }
  function readForm(form) {
    var values = {};
    draftFields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name + "=" + el.value] = el.checked;
      } else if (el.multiple) {
        values[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }
  function writeForm(form, values) {
    // Rows the draft added to an inline formset are added again before filling them.
    Array.prototype.forEach.call(form.querySelectorAll("[data-formset-add]"), function (button) {
      var name = button.getAttribute("data-formset-add");
      var total = form.querySelector("input[name='" + name + "-TOTAL_FORMS']");
      var wanted = parseInt(values[name + "-TOTAL_FORMS"], 10) || 0;
      while (total && parseInt(total.value, 10) < wanted) { button.click(); }
    });
    draftFields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        var key = el.name + "=" + el.value;
        if (key in values) { el.checked = values[key]; }
      } else if (el.multiple && Array.isArray(values[el.name])) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values[el.name].indexOf(o.value) >= 0; });
      } else if (el.name in values) {
        el.value = values[el.name];
      }
    });
  }
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  function setupDraft(form) {
    var store = storage();
    if (!store) { return; }
    var key = DRAFT_PREFIX + form.getAttribute("data-draft");
    var banner = form.querySelector("[data-draft-banner]");
    var status = form.querySelector("[data-draft-status]");
    var pristine = JSON.stringify(readForm(form));
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    // A form re-shown with errors already holds what was posted: that wins.
    if (saved && !form.hasAttribute("data-draft-keep") && JSON.stringify(saved.values) !== pristine && banner) {
      banner.querySelector("[data-draft-time]").textContent = new Date(saved.at).toLocaleString();
      banner.classList.remove("d-none");
      banner.querySelector("[data-draft-restore]").addEventListener("click", function () {
        writeForm(form, saved.values);
        banner.classList.add("d-none");
      });
      banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
        store.removeItem(key);
        banner.classList.add("d-none");
      });
    }
    var timer = null;
    function save() {
      var values = readForm(form);
      if (JSON.stringify(values) === pristine) {
        store.removeItem(key);
        if (status) { status.textContent = ""; }
        return;
      }
      store.setItem(key, JSON.stringify({ at: Date.now(), values: values }));
      if (status) { status.textContent = "Draft saved in this browser at " + new Date().toLocaleTimeString(); }
    }
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 400);
    });
    form.addEventListener("change", save);
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      store.removeItem(key);
    });
  }
  // Inline formsets: "Add a row" copies the empty form Django rendered into a
  // <template>, numbered after the rows already there.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) { return; }
    var name = button.getAttribute("data-formset-add");
    var form = button.closest("form");
    var total = form.querySelector("input[name='" + name + "-TOTAL_FORMS']");
    var template = form.querySelector("template[data-formset-empty='" + name + "']");
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__row__/g, String(index + 1));
    form.querySelector("[data-formset-body='" + name + "']").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var rows = form.querySelectorAll("[data-formset-body='" + name + "'] tr");
    var last = rows[rows.length - 1];
    var first = last && (last.querySelector("textarea") || last.querySelector("input:not([type=hidden])"));
    if (first) { first.focus(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), setupDraft);
  });
})();
