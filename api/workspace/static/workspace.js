/* yieldopt workspace: sign-in, hash navigation, the key on every htmx request,
 * grid sorting and filtering, uPlot charts. No inline script anywhere (strict CSP):
 * chart data comes from the data-charts attribute of #chart-data (htmx drops swapped-in
 * <script> elements, and inline ones would be refused by the policy anyway). */
(function () {
  'use strict';

  var KEY = 'yieldopt.key';
  var LADDER = 'yieldopt.ladder.';
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var charts = [];

  function key() { return sessionStorage.getItem(KEY); }

  function notice(message, bad) {
    var n = $('#notice');
    n.textContent = message || '';
    n.className = bad ? 'notice bad' : 'notice';
  }

  function detail(text) {
    try { return JSON.parse(text).detail || null; } catch (e) { return null; }
  }

  // ------------------------------------------------------------------ sign-in
  function showSignIn(message) {
    $('#main').hidden = true;
    $('#who').hidden = true;
    $('#signin').hidden = false;
    $('#signin-error').textContent = message || '';
    $('#crumbs').textContent = '';
    $('#api-key').focus();
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    $('#main').innerHTML = '';
    showSignIn(message);
  }

  function whoami(k) {
    return fetch('/workspace/whoami', { headers: { Authorization: 'Bearer ' + k } });
  }

  function start(me) {
    $('#signin').hidden = true;
    $('#who').hidden = false;
    $('#who-name').textContent = me.name + ' (' + me.role + ')';
    $('#main').hidden = false;
    load(true);
  }

  function signIn(event) {
    event.preventDefault();
    var k = $('#api-key').value.trim();
    if (!k) { return; }
    whoami(k).then(function (r) {
      if (r.status === 200) {
        sessionStorage.setItem(KEY, k);
        $('#api-key').value = '';
        $('#signin-error').textContent = '';
        return r.json().then(start);
      }
      $('#api-key').value = '';
      return r.text().then(function (t) {
        var why = r.status === 401 ? 'This key is not accepted' : (detail(t) || 'error ' + r.status);
        if (r.status === 429) { why = detail(t) || 'too many failed attempts; wait'; }
        showSignIn(why + '.');
      });
    }).catch(function () { showSignIn('The service did not answer.'); });
  }

  // ------------------------------------------------------------------ navigation
  function route() {
    var h = (location.hash || '#/').replace(/^#/, '');
    var m = h.match(/^\/networks\/([^/]+)\/resources\/(.+)$/);
    if (m) {
      return { url: '/workspace/networks/' + m[1] + '/resources/' + m[2], crumbs: [m[1], decodeURIComponent(m[2])], net: m[1] };
    }
    m = h.match(/^\/networks\/([^/]+)\/?$/);
    if (m) {
      var url = '/workspace/networks/' + m[1];
      var ladder = sessionStorage.getItem(LADDER + m[1]);
      if (ladder) { url += '?ladder=' + encodeURIComponent(ladder); }
      return { url: url, crumbs: [m[1]], net: m[1] };
    }
    return { url: '/workspace/home', crumbs: [] };
  }

  function crumbs(r) {
    var nav = $('#crumbs');
    nav.textContent = '';
    var parts = [['#/', 'Networks']];
    if (r.crumbs.length) { parts.push(['#/networks/' + r.net, decodeURIComponent(r.crumbs[0])]); }
    if (r.crumbs.length > 1) { parts.push([location.hash, r.crumbs[1]]); }
    parts.forEach(function (p, i) {
      var a = document.createElement('a');
      a.href = p[0];
      a.textContent = (i ? '› ' : '') + p[1];
      if (i === parts.length - 1) { a.setAttribute('aria-current', 'page'); }
      nav.appendChild(a);
    });
  }

  var focusNext = false;
  function load(focus) {
    if (!key()) { showSignIn(); return; }
    var r = route();
    crumbs(r);
    focusNext = !!focus;
    htmx.ajax('GET', r.url, { target: '#main', swap: 'innerHTML' });
  }

  // ------------------------------------------------------------------ htmx wiring
  document.addEventListener('htmx:configRequest', function (e) {
    var k = key();
    if (k) { e.detail.headers.Authorization = 'Bearer ' + k; }
  });

  document.addEventListener('htmx:beforeRequest', function (e) {
    if (e.detail.requestConfig && e.detail.requestConfig.verb !== 'get') { notice('Working…'); }
  });

  document.addEventListener('htmx:responseError', function (e) {
    var xhr = e.detail.xhr;
    var why = detail(xhr.responseText);
    if (xhr.status === 401) { signOut('Signed out: ' + (why || 'the key was not accepted') + '.'); return; }
    if (xhr.status === 403) { notice('Your key may only read: ' + (why || 'refused') + '.', true); return; }
    notice(why || ('The service answered ' + xhr.status + '.'), true);
  });

  document.addEventListener('htmx:sendError', function () {
    notice('The service did not answer; is it running?', true);
  });

  document.addEventListener('htmx:afterSwap', function (e) {
    if ($('#notice').textContent === 'Working…') { notice(''); }
    if (e.target.id !== 'main') { drawCharts(e.target); return; }
    var title = $('h1', e.target);
    document.title = (title ? title.getAttribute('data-title') + ' · ' : '') + 'yieldopt workspace';
    initPage(e.target);
    // A new page, or the message of a done action: back to the top, focus on the page.
    if (focusNext || $('#flash:not([hidden])', e.target)) {
      window.scrollTo(0, 0);
      e.target.focus({ preventScroll: true });
    }
    focusNext = false;
  });

  // The ladder form reloads the page with ?ladder=: remember it for this network.
  document.addEventListener('submit', function (e) {
    if (e.target.classList && e.target.classList.contains('ladder')) {
      var net = route().net;
      var v = $('#ladder', e.target).value.trim();
      if (net) { if (v) { sessionStorage.setItem(LADDER + net, v); } else { sessionStorage.removeItem(LADDER + net); } }
    }
  }, true);

  // ------------------------------------------------------------------ the grid
  function cellValue(row, idx, kind) {
    var v = row.cells[idx].getAttribute('data-v');
    if (kind === 'num') { return v === '' || v === null ? null : parseFloat(v); }
    return (v || '').toLowerCase();
  }

  function sortBy(table, th) {
    var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var kind = th.getAttribute('data-kind');
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    $$('th', th.parentNode).forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', dir);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var sign = dir === 'ascending' ? 1 : -1;
    rows.sort(function (a, b) {
      var x = cellValue(a, idx, kind), y = cellValue(b, idx, kind);
      if (x === y) { return 0; }
      if (x === null || x === '') { return 1; }   // blanks last either way
      if (y === null || y === '') { return -1; }
      return (x < y ? -1 : 1) * sign;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r); });
    body.appendChild(frag);
  }

  function filterGrid(root) {
    var table = $('#grid', root);
    if (!table) { return; }
    var text = ($('#grid-filter', root).value || '').trim().toLowerCase();
    var onlyO = $('#only-overridden', root) && $('#only-overridden', root).checked;
    var onlyR = $('#only-restricted', root) && $('#only-restricted', root).checked;
    var shown = 0, rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (r._text === undefined) { r._text = r.textContent.toLowerCase(); }
      var ok = (!text || r._text.indexOf(text) >= 0) &&
        (!onlyO || r.getAttribute('data-override') === '1') &&
        (!onlyR || r.getAttribute('data-restricted') === '1');
      r.hidden = !ok;
      if (ok) { shown++; }
    }
    var count = $('#grid-count', root);
    if (count) { count.textContent = shown + ' of ' + rows.length + ' shown'; }
  }

  function initGrid(root) {
    var table = $('#grid', root);
    if (!table) { return; }
    $$('thead th button', table).forEach(function (b) {
      b.addEventListener('click', function () { sortBy(table, b.parentNode); });
    });
    ['#grid-filter', '#only-overridden', '#only-restricted'].forEach(function (sel) {
      var el = $(sel, root);
      if (el) { el.addEventListener('input', function () { filterGrid(root); }); }
    });
  }

  // ------------------------------------------------------------------ charts
  var COLORS = ['#1f4e79', '#b35c00', '#1d7a3a', '#7b3fa0', '#b3261e', '#3a8fb7'];

  function axis(label, values) {
    var a = { label: label, stroke: '#5a6470', grid: { stroke: '#e3e7ec' }, ticks: { stroke: '#d6dbe1' } };
    if (values) { a.values = values; }
    return a;
  }

  var DAY = 86400;
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  // Stay nights are whole days (UTC midnights): ticks every day, week or month, as dates.
  function nightAxis() {
    var a = axis('Stay night', function (u, splits) {
      return splits.map(function (t) {
        var d = new Date(t * 1000);
        return MONTHS[d.getUTCMonth()] + ' ' + d.getUTCDate() + (d.getUTCMonth() === 0 && d.getUTCDate() <= 7 ? ' ' + d.getUTCFullYear() : '');
      });
    });
    a.incrs = [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 91 * DAY];
    a.space = 60;
    return a;
  }

  function yAxis(label) {
    var a = axis(label);
    a.size = 56;
    return a;
  }

  function line(label, color, dash) {
    var s = { label: label, stroke: color, width: 2, points: { show: false } };
    if (dash) { s.dash = [6, 4]; }
    return s;
  }

  function nightValue(u, t) {
    return t === null || t === undefined ? '–' : new Date(t * 1000).toISOString().slice(0, 10);
  }

  function money(u, v) { return v === null || v === undefined ? '–' : v.toFixed(2); }
  function rooms(u, v) { return v === null || v === undefined ? '–' : (Math.round(v * 10) / 10).toString(); }

  function chartSpec(name, data) {
    if (name === 'occupancy' && data.occupancy) {
      var d = data.occupancy;
      return {
        opts: {
          scales: { x: { time: false } },
          axes: [nightAxis(), yAxis('Rooms')],
          series: [{ label: 'Night', value: nightValue },
            Object.assign(line('Capacity', '#5a6470', true), { value: rooms }),
            Object.assign(line('Authorized', COLORS[1], true), { value: rooms }),
            Object.assign(line('Occupancy forecast', COLORS[0]), { value: rooms }),
            Object.assign(line('On the books', COLORS[2]), { value: rooms })]
        },
        data: [d.x, d.capacity, d.authorized, d.occupancy, d.on_the_books]
      };
    }
    if (name === 'pace' && data.pace) {
      var p = data.pace;
      return {
        opts: {
          // Arrival draws near from left to right, as in a pace report.
          scales: { x: { time: false, dir: -1 } },
          axes: [axis('Days before arrival'), yAxis('Rooms on the books')],
          series: [{ label: 'Days before' },
            line('This year', COLORS[0]),
            line('Last year (364 days earlier)', COLORS[1], true)]
        },
        data: [p.x, p.rooms, p.ly_rooms]
      };
    }
    if (name === 'bid' && data.bid) {
      var b = data.bid;
      if (b.series) {
        var names = Object.keys(b.series);
        return {
          opts: {
            scales: { x: { time: false } },
            axes: [nightAxis(), yAxis('Bid price per room-night')],
            series: [{ label: 'Night', value: nightValue }].concat(names.map(function (n, i) {
              return Object.assign(line(n === 'all' ? 'Bid price' : n, COLORS[i % COLORS.length]), { value: money });
            }))
          },
          data: [b.x].concat(names.map(function (n) { return b.series[n]; }))
        };
      }
      var labels = data.labels || [];
      return {
        opts: {
          scales: { x: { time: false } },
          axes: [axis('Resource', function (u, splits) {
            return splits.map(function (i) { return Number.isInteger(i) && labels[i] !== undefined ? labels[i] : ''; });
          }), yAxis('Bid price per unit')],
          series: [{ label: 'Resource', value: function (u, i) { return i === null ? '–' : (labels[i] || ''); } },
            Object.assign(line('Bid price', COLORS[0]), { value: money, points: { show: true, size: 6 } })]
        },
        data: [b.x, b.bid_price]
      };
    }
    return null;
  }

  function drawCharts(root) {
    // Charts whose element left the page (a new page was swapped in) are let go.
    charts = charts.filter(function (c) {
      if (document.body.contains(c.root)) { return true; }
      c.destroy();
      return false;
    });
    if (typeof uPlot === 'undefined') { return; }
    var holders = $$('[data-charts]', root);
    if (root.hasAttribute && root.hasAttribute('data-charts')) { holders.unshift(root); }
    holders.forEach(function (holder) {
      var data;
      try { data = JSON.parse(holder.getAttribute('data-charts')); } catch (e) { return; }
      $$('[data-chart]', holder).forEach(function (el) {
        if (el.closest('[data-charts]') !== holder || el.querySelector('.uplot')) { return; }
        var spec = chartSpec(el.getAttribute('data-chart'), data);
        if (!spec) { return; }
        var opts = Object.assign({ width: Math.max(el.clientWidth, 200), height: 240, legend: { show: true } }, spec.opts);
        charts.push(new uPlot(opts, spec.data, el));
      });
    });
  }

  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (c) {
        var el = c.root.parentNode;
        c.setSize({ width: Math.max(el.clientWidth, 200), height: 240 });
      });
    }, 150);
  });

  function initPage(root) {
    initGrid(root);
    drawCharts(root);
  }

  // ------------------------------------------------------------------ start
  function boot() {
    $('#signin-form').addEventListener('submit', signIn);
    $('#sign-out').addEventListener('click', function () { signOut('Signed out.'); });
    window.addEventListener('hashchange', function () { load(true); });
    var k = key();
    if (!k) { showSignIn(); return; }
    whoami(k).then(function (r) {
      if (r.status === 200) { return r.json().then(start); }
      signOut(r.status === 401 ? 'Your key is no longer accepted; sign in again.' : 'Sign in again.');
    }).catch(function () { showSignIn('The service did not answer.'); });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', boot);
  } else {
    boot();
  }
}());
