// Charts: each <div class="chart" data-chart="ID"> is drawn from the ECharts option in the
// <script type="application/json" id="ID"> next to it, so pages work with a strict CSP (no
// inline scripts) and charts re-draw after htmx swaps fragments in.
(function () {
  function draw(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("div.chart[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.dataset.chart);
      if (!src) { return; }
      var option = JSON.parse(src.textContent);
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option, true);
      el.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { draw(evt.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("div.chart[data-drawn]").forEach(function (el) {
      var c = echarts.getInstanceByDom(el); if (c) { c.resize(); }
    });
  });
})();

// ---- Sortable, paged tables -------------------------------------------------------------
// Any <table data-sortable> gets clickable column headers (aria-sort on the sorted one) and,
// beyond data-page-size rows (default 25), a pager below it. Cells sort on their data-value
// (the raw number the server emits, so "1,234.5" and "1.234,5" never have to be parsed) and
// otherwise on their text, in the page's language order. Numeric columns (th.n or
// th[data-type=number]) open descending, text columns ascending; a second click reverses.
// Empty values sort last either way. The pager's words come from data-label-* attributes
// rendered by the server in the reader's language. Without JavaScript the table is complete
// and unsorted. Tables paged by the server (scenario lines, firms) do not carry the attribute.
(function () {
  function fill(text, params) {
    return String(text || "").replace(/\{(\w+)\}/g, function (m, k) {
      return params[k] !== undefined ? params[k] : m;
    });
  }

  function keyOf(row, col, numeric) {
    var cell = row.cells[col];
    if (!cell) { return null; }
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value")
                                              : cell.textContent.trim();
    if (raw === "" || raw === "—") { return null; }
    if (!numeric) { return raw; }
    var n = Number(raw);
    return isFinite(n) ? n : null;
  }

  function enhance(table) {
    if (table.dataset.enhanced || !table.tBodies.length || !table.tHead) { return; }
    table.dataset.enhanced = "1";
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var size = parseInt(table.dataset.pageSize || "25", 10) || 25;
    var collator = new Intl.Collator(document.documentElement.lang || undefined,
                                     { numeric: true, sensitivity: "base" });
    var state = { page: 1, col: -1, dir: "" };
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var pager = null;

    function show() {
      var pages = Math.max(1, Math.ceil(rows.length / size));
      state.page = Math.min(Math.max(1, state.page), pages);
      var first = (state.page - 1) * size;
      rows.forEach(function (r, i) { r.hidden = i < first || i >= first + size; });
      if (!pager) { return; }
      pager.querySelector(".page-no").textContent = fill(table.dataset.labelPage,
        { page: state.page, pages: pages });
      pager.querySelector(".page-rows").textContent = fill(table.dataset.labelRows,
        { first: first + 1, last: Math.min(first + size, rows.length), total: rows.length });
      pager.querySelector(".page-prev").disabled = state.page <= 1;
      pager.querySelector(".page-next").disabled = state.page >= pages;
    }

    function sortBy(col, numeric) {
      state.dir = state.col === col ? (state.dir === "ascending" ? "descending" : "ascending")
                                    : (numeric ? "descending" : "ascending");
      state.col = col;
      var sign = state.dir === "ascending" ? 1 : -1;
      var keyed = rows.map(function (r, i) { return [keyOf(r, col, numeric), i, r]; });
      keyed.sort(function (a, b) {
        if (a[0] === null || b[0] === null) {
          return a[0] === b[0] ? a[1] - b[1] : (a[0] === null ? 1 : -1);
        }
        var c = numeric ? a[0] - b[0] : collator.compare(a[0], b[0]);
        return c ? sign * c : a[1] - b[1];
      });
      rows = keyed.map(function (k) { return k[2]; });
      rows.forEach(function (r) { tbody.appendChild(r); });
      heads.forEach(function (th, i) {
        if (i === col) { th.setAttribute("aria-sort", state.dir); }
        else { th.removeAttribute("aria-sort"); }
      });
      state.page = 1;
      show();
    }

    heads.forEach(function (th, col) {
      if (th.hasAttribute("data-nosort") || th.colSpan > 1 || !th.textContent.trim()) { return; }
      var numeric = th.classList.contains("n") || th.dataset.type === "number";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.title = table.dataset.labelSort || "";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(col, numeric); });
    });

    if (rows.length > size) {
      pager = document.createElement("div");
      pager.className = "pager table-pager";
      pager.innerHTML = '<button type="button" class="page-prev"></button>' +
        '<span class="page-no" aria-live="polite"></span>' +
        '<button type="button" class="page-next"></button><span class="page-rows muted"></span>';
      pager.querySelector(".page-prev").textContent = table.dataset.labelPrev || "‹";
      pager.querySelector(".page-next").textContent = table.dataset.labelNext || "›";
      pager.querySelector(".page-prev").addEventListener("click", function () {
        state.page -= 1; show();
      });
      pager.querySelector(".page-next").addEventListener("click", function () {
        state.page += 1; show();
      });
      table.parentNode.insertBefore(pager, table.nextSibling);
    }
    show();
  }

  function init(root) {
    if (root.matches && root.matches("table[data-sortable]")) { enhance(root); }
    root.querySelectorAll("table[data-sortable]").forEach(enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { init(evt.target); });
})();
