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
})();
