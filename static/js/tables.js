/* Phones: a table of cases becomes a list of cards (static/css/app.css, max-width 700px). Each cell
   is labelled with its column's heading so the card reads "户主 张三" without the header row. */
(function () {
  "use strict";
  document.querySelectorAll("table.data-table").forEach(function (table) {
    var headings = [];
    table.querySelectorAll("thead tr:last-child th").forEach(function (th) {
      var span = +(th.getAttribute("colspan") || 1);
      for (var i = 0; i < span; i++) { headings.push(th.textContent.trim()); }
    });
    if (!headings.length) { return; }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (!cell.hasAttribute("data-label") && headings[column]) { cell.setAttribute("data-label", headings[column]); }
        column += +(cell.getAttribute("colspan") || 1);
      });
    });
    table.classList.add("labelled");
  });
})();
