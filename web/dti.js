/* web/dti.js - optional enhancements of the pages (they work without it):
   sorting a table by a column, filtering the ranking by name as one
   types, with or without Vietnamese diacritics, and the editor's likely
   score following the figures as they are typed, before they are saved. */
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
  /* The live preview: the figures typed that differ from the saved ones
     are sent to the API's preview (nothing is stored), and the table of
     the likely score is filled from its answer. */
  var form = document.querySelector('form[data-preview]');
  var table = document.getElementById('preview');
  var status = document.getElementById('preview-status');
  if (form && table && status) {
    var vi = document.documentElement.lang === 'vi';
    var precision = parseInt(table.getAttribute('data-precision'), 10);
    var timer = null, seq = 0;
    var number = function (v) {
      if (v === null || v === undefined) { return '–'; }
      var t = v.toFixed(precision);
      return vi ? t.replace('.', ',') : t;
    };
    var rank = function (r, n) { return r ? r + '/' + n : '–'; };
    var fill = function (p) {
      p.nodes.forEach(function (nd) {
        var tr = table.querySelector('tr[data-node="' + nd.code + '"]');
        if (!tr) { return; }
        var set = function (cell, text) {
          var td = tr.querySelector('[data-cell="' + cell + '"]');
          if (td) { td.textContent = text; }
        };
        set('value', nd.unknown ? '–' : number(nd.value));
        set('rank', rank(nd.rank, nd.ranked));
        set('prev_rank', rank(nd.prev_rank, nd.prev_ranked));
      });
    };
    var update = function () {
      var figures = [];
      form.querySelectorAll('input[name^="v_"]').forEach(function (el) {
        var text = el.value.trim();
        if (text === el.defaultValue.trim()) { return; }
        var code = el.name.slice(2);
        figures.push(text === '' ? { indicator: code, clear: true }
                                 : { indicator: code, value_text: text });
      });
      var csrf = form.querySelector('input[name="csrf"]');
      var mine = ++seq;
      status.textContent = status.getAttribute('data-busy');
      var req = figures.length
        ? fetch(form.getAttribute('data-preview'), {
          method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json',
                     'X-CSRF-Token': csrf ? csrf.value : '' },
          body: JSON.stringify({ figures: figures }) })
        : fetch(form.getAttribute('data-preview'),
                { credentials: 'same-origin' });
      req.then(function (r) {
        return r.json().then(function (body) { return [r.ok, body]; });
      }).then(function (res) {
        if (mine !== seq) { return; }
        if (res[0]) {
          fill(res[1]);
          status.textContent = figures.length
            ? status.getAttribute('data-typed') : '';
        } else {
          status.textContent = res[1].detail || res[1].title || '';
        }
      }).catch(function () {
        if (mine === seq) { status.textContent = ''; }
      });
    };
    form.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(update, 300);
    });
  }

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
