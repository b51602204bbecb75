/* web/dti.js - optional enhancements of the pages (they work without it):
   sorting a table by a column, and filtering the ranking by name as one
   types, with or without Vietnamese diacritics. */
(function () {
  'use strict';
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
  }
  function cellValue(td) {
    var v = td.getAttribute('data-sort');
    if (v === null) { v = td.textContent.trim(); }
    var n = parseFloat(v);
    return isNaN(n) ? fold(v) : n;
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.querySelectorAll('thead th');
    heads.forEach(function (th, col) {
      var label = th.textContent;
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'sort';
      b.textContent = label;
      th.textContent = '';
      th.appendChild(b);
      b.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b2) {
          var x = cellValue(a.cells[col]), y = cellValue(b2.cells[col]);
          var missingX = x === '' || x === '–', missingY = y === '' || y === '–';
          if (missingX !== missingY) { return missingX ? 1 : -1; }
          if (x < y) { return asc ? -1 : 1; }
          if (x > y) { return asc ? 1 : -1; }
          return 0;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  var search = document.getElementById('search');
  if (search) {
    search.addEventListener('input', function () {
      var q = fold(search.value.trim());
      document.querySelectorAll('tr[data-name]').forEach(function (tr) {
        tr.hidden = q !== '' && tr.getAttribute('data-name').indexOf(q) < 0;
      });
    });
  }
}());
