// Agua dashboard: hand-written, no dependencies. The page holds no data; every call to the API
// sends the admin token, which is kept in sessionStorage (gone when the tab closes).
'use strict';

(function () {
  const KEY = 'agua.admin.token';
  const REFRESH_MS = 2000;
  const $ = (id) => document.getElementById(id);
  let timer = null;
  const messageSamples = [];

  // A token handed over in the URL fragment (#token=...) is taken once, then cleared from the URL.
  function tokenFromFragment() {
    const match = /(?:^#|&)token=([0-9A-Za-z]+)/.exec(location.hash);
    if (match) {
      sessionStorage.setItem(KEY, match[1]);
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  async function api(method, path) {
    const token = sessionStorage.getItem(KEY);
    const response = await fetch(path, { method: method, headers: { 'Authorization': 'Bearer ' + token }, cache: 'no-store' });
    if (response.status === 401) {
      sessionStorage.removeItem(KEY);
      showSignin('The token was refused.');
      throw new Error('unauthorised');
    }
    const body = await response.json();
    if (!response.ok) {
      throw new Error(body.error || ('HTTP ' + response.status));
    }
    return body;
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function row(cells) {
    const tr = el('tr');
    cells.forEach((c) => { const td = el('td'); if (c instanceof Node) td.appendChild(c); else td.textContent = c; tr.appendChild(td); });
    return tr;
  }

  function fill(tbody, rows, empty, columns) {
    tbody.replaceChildren();
    if (rows.length === 0) {
      const tr = el('tr'); const td = el('td', empty, 'muted'); td.colSpan = columns; tr.appendChild(td); tbody.appendChild(tr);
    }
    rows.forEach((r) => tbody.appendChild(r));
  }

  function chart(name, admitted, refused) {
    let figure = document.querySelector('figure[data-listener="' + CSS.escape(name) + '"]');
    if (!figure) {
      figure = el('figure', null, 'chart');
      figure.dataset.listener = name;
      figure.appendChild(el('figcaption', name));
      const canvas = document.createElement('canvas');
      canvas.width = 560; canvas.height = 140;
      figure.appendChild(canvas);
      figure.appendChild(el('div', '', 'muted'));
      $('charts').appendChild(figure);
    }
    const canvas = figure.querySelector('canvas');
    const ctx = canvas.getContext('2d');
    const w = canvas.width, h = canvas.height, pad = 4;
    const max = Math.max(1, ...admitted, ...refused);
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = '#e3e6ea'; ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
    const line = (values, colour) => {
      ctx.beginPath(); ctx.strokeStyle = colour; ctx.lineWidth = 1;
      values.forEach((v, i) => {
        const x = pad + (w - 2 * pad) * i / Math.max(1, values.length - 1);
        const y = h - pad - (h - 2 * pad) * v / max;
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
    };
    line(admitted, '#2b8a3e');
    line(refused, '#c92a2a');
    const sum = (a) => a.reduce((s, v) => s + v, 0);
    const points = admitted.filter((v) => v > 0).length + refused.filter((v) => v > 0).length;
    canvas.dataset.points = String(points);
    figure.dataset.points = String(points);
    figure.lastChild.textContent = 'last hour: ' + sum(admitted) + ' admitted, ' + sum(refused) + ' refused; peak ' + max + '/s';
  }

  async function lift(network) {
    try {
      await api('DELETE', '/api/bans/' + encodeURIComponent(network));
    } catch (e) {
      alert('Could not lift the ban on ' + network + ': ' + e.message);
    }
    refresh();
  }

  async function unlock(account) {
    try {
      await api('DELETE', '/api/locks/' + encodeURIComponent(account));
    } catch (e) {
      alert('Could not unlock ' + account + ': ' + e.message);
    }
    refresh();
  }

  async function flushQueue() {
    try {
      await api('POST', '/api/queue/flush');
    } catch (e) {
      alert('Could not flush the queue: ' + e.message);
    }
    refresh();
  }

  function duration(seconds) {
    if (seconds >= 3600) return Math.floor(seconds / 3600) + 'h ' + Math.floor((seconds % 3600) / 60) + 'm';
    if (seconds >= 60) return Math.floor(seconds / 60) + 'm ' + (seconds % 60) + 's';
    return seconds + 's';
  }

  async function refresh() {
    try {
      const [status, series, offenders, bans, incidents, queue, locks] = await Promise.all([
        api('GET', '/api/status'), api('GET', '/api/series?seconds=3600'), api('GET', '/api/offenders?limit=10'),
        api('GET', '/api/bans'), api('GET', '/api/incidents?limit=15'), api('GET', '/api/queue'), api('GET', '/api/locks')]);
      $('summary').textContent = 'version ' + status.version + ', up ' + duration(status.uptime_s) + ', '
        + status.sessions.open + ' open sessions, ' + status.bans_active + ' active bans';
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      Object.entries(series.listeners).forEach(([name, s]) => chart(name, s.admitted, s.refused));

      fill($('offenders').tBodies[0], offenders.offenders.map((o) => {
        const ban = o.banned ? el('span', 'banned (' + o.ban.network + ', ' + duration(o.ban.remaining_s) + ' left)', 'banned') : 'not banned';
        const tr = row([o.offender, o.events, Object.entries(o.counts).map(([k, v]) => k + ' ' + v).join(', '), ban]);
        tr.dataset.offender = o.offender;
        return tr;
      }), 'no open incidents', 4);

      fill($('bans').tBodies[0], bans.bans.map((b) => {
        const button = el('button', 'Lift');
        button.type = 'button';
        button.addEventListener('click', () => { if (confirm('Lift the ban on ' + b.network + '?')) lift(b.network); });
        const tr = row([b.network, b.cause + (b.reason ? ': ' + b.reason : ''), duration(b.remaining_s), button]);
        tr.dataset.network = b.network;
        return tr;
      }), 'no active bans', 4);

      $('locks-summary').textContent = '(' + status.known_clients + ' known clients, ' + status.reserve_in_use
        + ' reserved slots in use)';
      fill($('locks').tBodies[0], locks.locks.map((l) => {
        const button = el('button', 'Unlock');
        button.type = 'button';
        button.addEventListener('click', () => { if (confirm('Unlock ' + l.account + '?')) unlock(l.account); });
        const tr = row([l.account + (l.mode === 'observe' ? ' (observe)' : ''), l.failures, l.addresses, duration(l.remaining_s), button]);
        tr.dataset.account = l.account;
        return tr;
      }), 'no account locked', 5);

      $('queue-summary').textContent = '(' + queue.size + ' messages' + (queue.size ? ', oldest ' + duration(queue.oldest_age_s) : '') + ')';
      // At most 50 rows: the page refreshes every 2 s and a long queue is for agua queue list.
      fill($('queue').tBodies[0], queue.messages.slice(0, 50).map((m) => {
        const waiting = m.recipients.filter((r) => r.state === 'pending').map((r) => r.address).join(', ');
        const tr = row([m.id, duration(m.age_s), m.sender || '<>', waiting, m.attempts, m.last_error]);
        tr.dataset.queueId = m.id;
        return tr;
      }), 'the queue is empty', 6);

      const list = $('incidents');
      list.replaceChildren();
      incidents.incidents.forEach((i) => list.appendChild(el('li', i.line)));
      if (incidents.incidents.length === 0) list.appendChild(el('li', 'none', 'muted'));

      // The rate comes from the server's own counter, sampled at each refresh over the last minute.
      if (status.messages && typeof status.messages.received === 'number') {
        const now = Date.now();
        messageSamples.push({ t: now, received: status.messages.received });
        while (messageSamples.length > 1 && now - messageSamples[0].t > 60000) messageSamples.shift();
        const first = messageSamples[0];
        const seconds = (now - first.t) / 1000;
        const text = seconds >= 10
          ? Math.round((status.messages.received - first.received) * 60 / seconds) + ' messages per minute (last ' + Math.round(seconds) + ' s)'
          : 'measuring…';
        $('messages').textContent = text + '; ' + status.messages.received + ' received, '
          + status.messages.delivered + ' delivered since start';
        $('messages').className = '';
      }
      const reload = $('reload');
      reload.replaceChildren(el('span', 'Configuration generation ' + status.config_generation + ': '));
      if (status.reload_error) {
        reload.appendChild(el('span', 'last reload refused: ' + status.reload_error.join('; '), 'error'));
      } else {
        reload.appendChild(el('span', 'last reload applied (or none yet)'));
      }
    } catch (e) {
      $('updated').textContent = 'update failed: ' + e.message;
    }
  }

  function showSignin(message) {
    if (timer) { clearInterval(timer); timer = null; }
    $('board').hidden = true;
    $('signin').hidden = false;
    $('signin-error').textContent = message || '';
    $('summary').textContent = 'not signed in';
  }

  function showBoard() {
    $('signin').hidden = true;
    $('board').hidden = false;
    refresh();
    if (!timer) timer = setInterval(refresh, REFRESH_MS);
  }

  document.addEventListener('DOMContentLoaded', () => {
    tokenFromFragment();
    $('signin').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = $('token').value.trim();
      $('token').value = '';
      if (token) { sessionStorage.setItem(KEY, token); showBoard(); }
    });
    $('signout').addEventListener('click', () => { sessionStorage.removeItem(KEY); showSignin(''); });
    $('flush').addEventListener('click', flushQueue);
    if (sessionStorage.getItem(KEY)) showBoard(); else showSignin('');
  });
}());
