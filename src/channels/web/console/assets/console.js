// The staff console page: one page per menu entry, drawn from the console API. All text from the
// server is set as text, never as HTML. Every change sends the session's CSRF token.

(() => {
  const T = JSON.parse(document.getElementById('texts').textContent);
  const API = '/quan-tri/api';
  const main = document.getElementById('main');
  let me;
  let csrf = '';
  let stopPolling = () => {};
  /** A curated answer being written from a question or a group (set before going to its page). */
  let curatedDraft;

  const fmt = (s, ...args) => String(s).replace(/\{(\d)\}/g, (_m, i) => String(args[Number(i)] ?? ''));
  const dateTime = (ms) => new Date(ms).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' });

  /** el('p', {class: 'x', onclick: f}, 'text', child, …): text children become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === false || v === null) continue;
      if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else if (k === 'text') node.textContent = v;
      // Through the CSSOM: the page's policy refuses style attributes.
      else if (k === 'style') node.style.cssText = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  function toast(text) {
    const t = document.getElementById('toast');
    t.textContent = text;
    t.classList.add('show');
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => t.classList.remove('show'), 4000);
  }

  class ApiFailure extends Error {
    constructor(status, body) {
      super(body?.error?.message || T.error);
      this.status = status;
      this.code = body?.error?.code;
    }
  }

  async function api(method, path, body) {
    const init = { method, credentials: 'same-origin', headers: {} };
    if (method !== 'GET') init.headers['x-csrf-token'] = csrf;
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const r = await fetch(API + path, init);
    if (r.status === 401) {
      location.replace('/quan-tri/dang-nhap');
      throw new ApiFailure(401, {});
    }
    if (r.status === 204) return {};
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new ApiFailure(r.status, data);
    return data;
  }

  /** Runs an action; its error is shown in `where` (or as a toast). */
  async function attempt(action, where) {
    try {
      if (where) where.textContent = '';
      return await action();
    } catch (err) {
      if (where) where.textContent = err.message;
      else toast(err.message);
      return undefined;
    }
  }

  /** A red button that asks before it acts: `action` runs only after the person confirms `question`. */
  function dangerButton(label, question, action) {
    const onclick = async () => {
      if (confirm(question)) await action();
    };
    return el('button', { type: 'button', class: 'danger', onclick }, label);
  }

  const pill = (cls, text) => el('span', { class: `pill ${cls}` }, text);
  const statusPill = (s) => pill(s, T[`status_${s}`] || s);
  const channelName = (c) => T[`channel_${c}`] || c;

  function page(title, ...content) {
    main.replaceChildren(el('h1', {}, title), ...content);
    main.focus();
  }

  // --- Overview ------------------------------------------------------------------------------
  const CHANNEL_COLORS = { web: '#0b57d0', telegram: '#2aa1da', zalo: '#7b1fa2' };
  const STATUS_COLORS = { answered: '#146c2e', not_found: '#e0a100', refused: '#b3261e', invalid: '#8e8b93' };

  function dayChart(rows) {
    const days = [...new Set(rows.map((r) => r.day))];
    const channels = [...new Set(rows.map((r) => r.channel))];
    const totals = days.map((d) => rows.filter((r) => r.day === d).reduce((n, r) => n + r.count, 0));
    const max = Math.max(1, ...totals);
    const w = 600;
    const h = 180;
    const bw = days.length ? Math.min(40, (w - 20) / days.length - 4) : 0;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', `0 0 ${w} ${h + 24}`);
    svg.setAttribute('class', 'chart');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', days.map((d, i) => `${d}: ${totals[i]}`).join('; '));
    days.forEach((d, i) => {
      let y = h;
      const x = 10 + i * ((w - 20) / days.length);
      for (const c of channels) {
        const n = rows.find((r) => r.day === d && r.channel === c)?.count || 0;
        if (!n) continue;
        const bh = (n / max) * (h - 10);
        y -= bh;
        const rect = document.createElementNS(svg.namespaceURI, 'rect');
        for (const [k, v] of Object.entries({ x, y, width: bw, height: bh, fill: CHANNEL_COLORS[c] || '#555' })) rect.setAttribute(k, v);
        const title = document.createElementNS(svg.namespaceURI, 'title');
        title.textContent = `${d} · ${channelName(c)}: ${n}`;
        rect.append(title);
        svg.append(rect);
      }
      const label = document.createElementNS(svg.namespaceURI, 'text');
      for (const [k, v] of Object.entries({ x: x + bw / 2, y: h + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#5d5b61' }))
        label.setAttribute(k, v);
      label.textContent = d.slice(8) + '/' + d.slice(5, 7);
      svg.append(label);
    });
    const legend = el(
      'div',
      { class: 'legend' },
      channels.map((c) => el('span', {}, el('i', { style: `background:${CHANNEL_COLORS[c]}` }), channelName(c))),
    );
    return el('div', {}, svg, legend);
  }

  function shareBar(parts, colors, label) {
    const total = parts.reduce((n, p) => n + p[1], 0) || 1;
    return el(
      'div',
      {},
      el(
        'div',
        { class: 'share', role: 'img', 'aria-label': parts.map(([k, n]) => `${label(k)}: ${n}`).join('; ') },
        parts.map(([k, n]) =>
          el('div', { style: `width:${(100 * n) / total}%;background:${colors[k] || '#888'}`, title: `${label(k)}: ${n}` }),
        ),
      ),
      el(
        'div',
        { class: 'legend' },
        parts.map(([k, n]) =>
          el('span', {}, el('i', { style: `background:${colors[k] || '#888'}` }), `${label(k)}: ${n} (${Math.round((100 * n) / total)}%)`),
        ),
      ),
    );
  }

  function bars(entries) {
    if (!entries.length) return el('p', { class: 'muted' }, T.empty);
    const max = Math.max(1, ...entries.map((e) => e[1]));
    return el(
      'div',
      { class: 'bars' },
      entries.flatMap(([label, n]) => [
        el('span', {}, label),
        el('div', { class: 'bar', style: `width:${(100 * n) / max}%` }),
        el('b', {}, n),
      ]),
    );
  }

  function progressLine(p) {
    const line = fmt(T.progress, p.sent, p.failed + p.blocked, p.pending);
    const rate =
      p.status === 'sending' && p.ratePerSecond
        ? ` · ${fmt(T.rate, p.ratePerSecond.toFixed(1))}${p.etaSeconds !== undefined ? ` · ${fmt(T.eta, Math.ceil(p.etaSeconds))}` : ''}`
        : '';
    return line + rate;
  }

  /** Sections other page scripts add to the overview (each a function returning a node). */
  const overviewParts = [];

  async function overview() {
    const [o, ...extra] = await Promise.all([api('GET', '/overview'), ...overviewParts.map((part) => part())]);
    const total = Object.values(o.statuses).reduce((n, v) => n + v, 0);
    const topicLabel = (slug) => (slug === '*' ? T.everyTopic : o.topics.find((t) => t.slug === slug)?.label || slug);
    page(
      T.navOverview,
      el('p', { class: 'muted' }, fmt(T.period, o.period)),
      el(
        'div',
        { class: 'figures' },
        el('div', { class: 'figure' }, el('b', {}, total), el('span', {}, T.totalQuestions)),
        el(
          'div',
          { class: 'figure' },
          el('b', {}, total ? `${Math.round((100 * (o.statuses.answered || 0)) / total)}%` : '–'),
          el('span', {}, T.status_answered),
        ),
        el(
          'div',
          { class: 'figure', id: 'votes' },
          el('b', {}, `${o.votes.up} · ${o.votes.down}`),
          el('span', {}, `${T.vote_up} · ${T.vote_down}`),
        ),
        el('div', { class: 'figure' }, el('b', {}, o.subscribers.active), el('span', {}, T.activeSubscribers)),
        el('div', { class: 'figure' }, el('b', {}, o.index.documents), el('span', {}, T.documentsCount)),
      ),
      el(
        'section',
        { class: 'card' },
        el('h2', {}, T.questionsPerDay),
        o.days.length ? dayChart(o.days) : el('p', { class: 'muted' }, T.empty),
      ),
      el(
        'div',
        { class: 'grid2' },
        el(
          'section',
          { class: 'card' },
          el('h2', {}, T.outcomes),
          shareBar(Object.entries(o.statuses), STATUS_COLORS, (s) => T[`status_${s}`] || s),
        ),
        el(
          'section',
          { class: 'card' },
          el('h2', {}, T.votes),
          shareBar(
            [
              ['up', o.votes.up],
              ['down', o.votes.down],
            ],
            { up: '#146c2e', down: '#b3261e' },
            (v) => T[`vote_${v}`],
          ),
        ),
      ),
      el(
        'section',
        { class: 'card', id: 'recent-down' },
        el('h2', {}, T.recentDown),
        o.recentDown.length
          ? el(
              'ul',
              {},
              o.recentDown.map((d) =>
                el(
                  'li',
                  {},
                  el('b', {}, d.question),
                  ' ',
                  el('span', { class: 'muted' }, `(${channelName(d.channel)}, ${dateTime(d.votedAt)})`),
                  d.comment ? el('div', {}, `${T.reason}: ${d.comment}`) : '',
                ),
              ),
            )
          : el('p', { class: 'muted' }, T.empty),
      ),
      el(
        'div',
        { class: 'grid2' },
        el(
          'section',
          { class: 'card' },
          el('h2', {}, T.subscribersByTopic),
          bars(Object.entries(o.subscribers.topics).map(([k, n]) => [topicLabel(k), n])),
        ),
        el(
          'section',
          { class: 'card' },
          el('h2', {}, T.subscribersByWard),
          bars(Object.entries(o.subscribers.wards).map(([k, n]) => [k === '*' ? T.wholeCity : k, n])),
        ),
      ),
      el(
        'section',
        { class: 'card' },
        el('h2', {}, T.recentAnnouncements),
        o.announcements.length
          ? el(
              'ul',
              {},
              o.announcements.map((a) =>
                el(
                  'li',
                  {},
                  el('b', {}, a.title || a.body.slice(0, 60)),
                  ' ',
                  pill(a.status, T[`announcementStatus_${a.status}`]),
                  el('div', { class: 'muted' }, progressLine(a.progress)),
                ),
              ),
            )
          : el('p', { class: 'muted' }, T.empty),
      ),
      ...extra,
    );
  }

  // --- Questions -------------------------------------------------------------------------------
  function answerDetails(q) {
    return el(
      'div',
      {},
      el('h3', {}, T.answerSeen),
      el('div', { class: 'answer' }, q.answer),
      q.citations.length
        ? el(
            'div',
            {},
            el('b', {}, `${T.sources}:`),
            el(
              'ol',
              {},
              q.citations.map((c) =>
                el(
                  'li',
                  {},
                  c.sourceUrl ? el('a', { href: c.sourceUrl, rel: 'noopener noreferrer' }, c.title) : c.title,
                  c.section ? ` – ${c.section}` : '',
                  c.quote ? el('details', {}, el('summary', {}, '…'), el('blockquote', {}, c.quote)) : '',
                ),
              ),
            ),
          )
        : '',
      q.comment ? el('p', {}, el('b', {}, `${T.reason}: `), q.comment) : '',
      el(
        'div',
        { class: 'actions' },
        el('button', { type: 'button', class: 'secondary', onclick: () => writeCurated([q.question]) }, T.writeCurated),
      ),
    );
  }

  function select(name, label, options, value) {
    return el(
      'div',
      {},
      el('label', { for: name }, label),
      el(
        'select',
        { id: name, name },
        el('option', { value: '' }, T.all),
        options.map(([v, text]) => el('option', { value: v, selected: v === value }, text)),
      ),
    );
  }

  async function questions() {
    const form = el(
      'form',
      { class: 'filters card', role: 'search' },
      el('div', { class: 'wide' }, el('label', { for: 'q' }, T.searchLabel), el('input', { id: 'q', name: 'q', type: 'search' })),
      select(
        'channel',
        T.channelLabel,
        ['web', 'telegram', 'zalo'].map((c) => [c, channelName(c)]),
      ),
      select(
        'status',
        T.statusLabel,
        ['answered', 'not_found', 'refused', 'invalid'].map((s) => [s, T[`status_${s}`]]),
      ),
      select('vote', T.voteLabel, [
        ['up', T.vote_up],
        ['down', T.vote_down],
        ['none', T.vote_none],
      ]),
      el('div', {}, el('label', { for: 'from' }, T.fromLabel), el('input', { id: 'from', name: 'from', type: 'date' })),
      el('div', {}, el('label', { for: 'to' }, T.toLabel), el('input', { id: 'to', name: 'to', type: 'date' })),
      el('div', {}, el('button', { type: 'submit' }, T.search)),
    );
    const results = el('div', { id: 'results' });
    const error = el('p', { class: 'error', role: 'alert' });
    let next;
    const load = async (more) => {
      const params = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (v) params.set(k, v);
      if (more && next) params.set('before', next);
      const data = await attempt(() => api('GET', `/questions?${params}`), error);
      if (!data) return;
      next = data.next;
      const rows = data.questions.map((q) =>
        el(
          'tr',
          {},
          el('td', { 'data-label': T.askedAt }, dateTime(q.createdAt)),
          el('td', { 'data-label': T.channelLabel }, channelName(q.channel)),
          el('td', { 'data-label': T.question }, el('details', {}, el('summary', {}, q.question), answerDetails(q))),
          el('td', { 'data-label': T.statusLabel }, statusPill(q.status)),
          el('td', { 'data-label': T.voteLabel }, q.vote ? T[`vote_${q.vote}`] : ''),
        ),
      );
      const table = more ? results.querySelector('tbody') : null;
      if (table) table.append(...rows);
      else
        results.replaceChildren(
          data.questions.length
            ? el(
                'table',
                { class: 'stack' },
                el(
                  'thead',
                  {},
                  el(
                    'tr',
                    {},
                    [T.askedAt, T.channelLabel, T.question, T.statusLabel, T.voteLabel].map((h) => el('th', { scope: 'col' }, h)),
                  ),
                ),
                el('tbody', {}, rows),
              )
            : el('p', { class: 'muted' }, T.empty),
        );
      results.querySelector('.more')?.remove();
      if (next) results.append(el('button', { type: 'button', class: 'secondary more', onclick: () => load(true) }, T.more));
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      load(false);
    });
    page(T.navQuestions, form, error, results);
    await load(false);
  }

  async function unanswered() {
    const data = await api('GET', '/unanswered');
    page(
      T.navUnanswered,
      el('p', { class: 'muted' }, T.unansweredIntro),
      data.groups.length
        ? el(
            'ol',
            { class: 'groups' },
            data.groups.map((g) =>
              el(
                'li',
                { class: 'card group' },
                el('b', { class: 'group-question' }, g.question),
                ' ',
                pill('', fmt(T.askedTimes, g.count)),
                ' ',
                g.channels.map((c) => pill('', channelName(c))),
                g.coveredBy ? el('p', { class: 'ok' }, fmt(T.coveredBy, g.coveredBy)) : '',
                g.variants.length > 1
                  ? el(
                      'ul',
                      { class: 'muted' },
                      g.variants.slice(1).map((v) => el('li', {}, v)),
                    )
                  : '',
                el('p', { class: 'muted' }, `${T.lastAsked}: ${dateTime(g.lastAskedAt)}`),
                el('button', { type: 'button', class: 'secondary', onclick: () => writeCurated(g.variants) }, T.writeCurated),
              ),
            ),
          )
        : el('p', { class: 'muted' }, T.empty),
    );
  }

  // --- Curated answers ---------------------------------------------------------------------------
  function writeCurated(variants, existing) {
    curatedDraft = { variants, existing };
    if (location.hash === '#tra-loi-mau') route();
    else location.hash = '#tra-loi-mau';
  }

  function curatedForm(documents, draft) {
    const existing = draft?.existing;
    const error = el('p', { class: 'error', role: 'alert' });
    const chosen = new Set(existing?.sources.map((s) => s.docId) || []);
    const form = el(
      'form',
      { class: 'card', id: 'curated-form' },
      el('h2', {}, existing ? `${T.edit} #${existing.id}` : T.newCurated),
      el('label', { for: 'variants' }, T.variantsLabel),
      el('textarea', { id: 'variants', name: 'variants', required: true }, (existing?.variants || draft?.variants || []).join('\n')),
      el('label', { for: 'answer' }, T.answerLabel),
      el('textarea', { id: 'answer', name: 'answer', required: true }, existing?.answer || ''),
      el(
        'fieldset',
        {},
        el('legend', {}, T.documentsLabel),
        documents.map((d) =>
          el('label', {}, el('input', { type: 'checkbox', name: 'documents', value: d.id, checked: chosen.has(d.id) }), d.title),
        ),
      ),
      el('label', { for: 'expires' }, T.expiresLabel),
      el('input', {
        id: 'expires',
        name: 'expires',
        type: 'date',
        value: existing?.expiresAt ? new Date(existing.expiresAt - 1).toLocaleDateString('sv-SE', { timeZone: 'Asia/Ho_Chi_Minh' }) : '',
      }),
      error,
      el('div', { class: 'actions' }, el('button', { type: 'submit' }, T.save)),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const f = new FormData(form);
      const body = {
        answer: f.get('answer'),
        variants: String(f.get('variants'))
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean),
        documents: f.getAll('documents'),
        expires: f.get('expires') || undefined,
      };
      const saved = await attempt(() => (existing ? api('PUT', `/curated/${existing.id}`, body) : api('POST', '/curated', body)), error);
      if (!saved) return;
      curatedDraft = undefined;
      toast(T.saved);
      route();
    });
    return form;
  }

  async function curated() {
    const [list, docs] = await Promise.all([api('GET', '/curated'), api('GET', '/documents')]);
    const draft = curatedDraft;
    curatedDraft = undefined;
    const form = curatedForm(docs.documents, draft);
    page(
      T.navCurated,
      el('p', { class: 'muted' }, T.curatedIntro),
      form,
      el('h2', {}, T.navCurated),
      list.curated.length
        ? el(
            'ul',
            { class: 'curated-list' },
            list.curated.map((c) =>
              el(
                'li',
                { class: 'card' },
                el('b', {}, `#${c.id} `),
                statusPill(c.status),
                ' ',
                el('span', { class: 'muted' }, `${fmt(T.version, c.version)} · ${T.by} ${c.updatedBy} · ${dateTime(c.updatedAt)}`),
                el(
                  'ul',
                  {},
                  c.variants.map((v) => el('li', {}, v)),
                ),
                el('div', { class: 'answer' }, c.answer),
                el(
                  'div',
                  { class: 'actions' },
                  el('button', { type: 'button', class: 'secondary', onclick: () => writeCurated(c.variants, c) }, T.edit),
                  c.status === 'active'
                    ? dangerButton(T.withdraw, T.withdrawConfirm, async () => {
                        if (await attempt(() => api('POST', `/curated/${c.id}/withdraw`))) route();
                      })
                    : '',
                  el(
                    'button',
                    {
                      type: 'button',
                      class: 'link',
                      onclick: async (e) => {
                        const v = await attempt(() => api('GET', `/curated/${c.id}`));
                        if (!v) return;
                        e.target.replaceWith(
                          el(
                            'details',
                            { open: true },
                            el('summary', {}, T.versions),
                            el(
                              'ol',
                              { reversed: true },
                              v.versions.map((x) =>
                                el(
                                  'li',
                                  {},
                                  `${fmt(T.version, x.version)} · ${T[`status_${x.status}`]} · ${x.author} · ${dateTime(x.createdAt)}`,
                                  el('div', { class: 'answer' }, x.answer),
                                ),
                              ),
                            ),
                          ),
                        );
                      },
                    },
                    T.versions,
                  ),
                ),
              ),
            ),
          )
        : el('p', { class: 'muted' }, T.empty),
    );
    if (draft) form.querySelector('#answer').focus();
  }

  // --- Documents ---------------------------------------------------------------------------------
  /** XHR, not fetch: only XHR reports upload progress. */
  function uploadWithProgress(method, path, file, bar) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, API + path);
      xhr.setRequestHeader('x-csrf-token', csrf);
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) bar.value = e.loaded / e.total;
      });
      xhr.addEventListener('load', () => {
        const body = JSON.parse(xhr.responseText || '{}');
        if (xhr.status >= 200 && xhr.status < 300) resolve(body);
        else reject(new ApiFailure(xhr.status, body));
      });
      xhr.addEventListener('error', () => reject(new ApiFailure(0, {})));
      const data = new FormData();
      data.append('file', file);
      xhr.send(data);
    });
  }

  async function documents() {
    const data = await api('GET', '/documents');
    const admin = me.role === 'admin';
    const error = el('p', { class: 'error', role: 'alert' });
    const bar = el('progress', { max: 1, value: 0, hidden: true, id: 'upload-progress' });
    const fileInput = (id) => el('input', { type: 'file', id, accept: '.pdf,.docx,.md,.txt,.html,.htm,.csv,.yaml,.yml' });
    const afterChange = (summary, message) => {
      toast(
        message + (summary.failed?.length ? ` ${T.ingestFailed}: ${summary.failed.map((f) => `${f.path} (${f.reason})`).join('; ')}` : ''),
      );
      route();
    };
    const upload = admin
      ? el(
          'form',
          { class: 'card', id: 'upload-form' },
          el('h2', {}, T.upload),
          el('label', { for: 'upload-file' }, T.uploadLabel),
          fileInput('upload-file'),
          bar,
          error,
          el('div', { class: 'actions' }, el('button', { type: 'submit' }, T.upload)),
        )
      : '';
    if (upload)
      upload.addEventListener('submit', async (e) => {
        e.preventDefault();
        const file = upload.querySelector('#upload-file').files[0];
        if (!file) return;
        bar.hidden = false;
        const summary = await attempt(() => uploadWithProgress('POST', '/documents', file, bar), error);
        bar.hidden = true;
        if (summary) afterChange(summary, T.uploaded);
      });
    const last = data.index.lastIngest;
    page(
      T.navDocuments,
      el('p', { class: 'muted' }, T.documentsIntro),
      upload,
      last?.failed?.length
        ? el('div', { class: 'warning' }, `${T.ingestFailed}: `, last.failed.map((f) => `${f.path}: ${f.reason}`).join('; '))
        : '',
      el(
        'p',
        { class: 'muted' },
        `${T.lastIngest}: ${data.index.builtAt ? dateTime(data.index.builtAt) : '–'} · ${data.index.documents} ${T.documentsCount.toLowerCase()} · ${data.index.chunks} ${T.passagesCount.toLowerCase()}`,
      ),
      el(
        'table',
        { class: 'stack', id: 'documents' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            [T.titleLabel, T.issued, T.passagesCount, ''].map((h) => el('th', { scope: 'col' }, h)),
          ),
        ),
        el(
          'tbody',
          {},
          data.documents.map((d) => {
            const replaceInput = fileInput(`replace-${d.id}`);
            const cellError = el('p', { class: 'error', role: 'alert' });
            const rowBar = el('progress', { max: 1, value: 0, hidden: true });
            replaceInput.setAttribute('aria-label', `${T.replace}: ${d.title}`);
            replaceInput.addEventListener('change', async () => {
              const file = replaceInput.files[0];
              if (!file) return;
              rowBar.hidden = false;
              const summary = await attempt(
                () => uploadWithProgress('PUT', `/documents/file?id=${encodeURIComponent(d.id)}`, file, rowBar),
                cellError,
              );
              rowBar.hidden = true;
              if (summary) afterChange(summary, T.uploaded);
            });
            return el(
              'tr',
              { 'data-doc': d.id },
              el(
                'td',
                { 'data-label': T.titleLabel },
                el('b', {}, d.title),
                d.number ? el('div', { class: 'muted' }, d.number) : '',
                el(
                  'details',
                  { class: 'passages-view' },
                  el(
                    'summary',
                    {
                      onclick: async (e) => {
                        const details = e.target.parentElement;
                        if (details.dataset.loaded) return;
                        details.dataset.loaded = '1';
                        const p = await attempt(() => api('GET', `/documents/passages?id=${encodeURIComponent(d.id)}`));
                        if (p)
                          details.append(
                            el(
                              'ol',
                              { class: 'passages' },
                              p.passages.map((x) =>
                                el(
                                  'li',
                                  {},
                                  x.section ? el('div', { class: 'muted' }, x.section + (x.page ? ` · tr. ${x.page}` : '')) : '',
                                  x.text,
                                ),
                              ),
                            ),
                          );
                      },
                    },
                    T.passages,
                  ),
                ),
              ),
              el('td', { 'data-label': T.issued }, d.issued || '–'),
              el('td', { 'data-label': T.passagesCount }, d.chunks),
              el(
                'td',
                {},
                admin
                  ? el(
                      'div',
                      {},
                      el('label', { class: 'muted' }, T.replace, replaceInput),
                      rowBar,
                      dangerButton(T.remove, fmt(T.removeConfirm, d.title), async () => {
                        const summary = await attempt(() => api('DELETE', `/documents/file?id=${encodeURIComponent(d.id)}`), cellError);
                        if (summary) afterChange(summary, T.removed);
                      }),
                      cellError,
                    )
                  : '',
              ),
            );
          }),
        ),
      ),
    );
  }

  // --- Announcements -----------------------------------------------------------------------------
  async function announcements() {
    const data = await api('GET', '/announcements');
    const error = el('p', { class: 'error', role: 'alert' });
    const preview = el('div', { id: 'preview', 'aria-live': 'polite' });
    const confirmZero = el(
      'label',
      { hidden: true, id: 'confirm-zero-label' },
      el('input', { type: 'checkbox', id: 'confirm-zero' }),
      T.confirmNoRecipients,
    );
    const checks = (name, legend, items) =>
      el(
        'fieldset',
        {},
        el('legend', {}, legend),
        items.map(([value, label]) => el('label', {}, el('input', { type: 'checkbox', name, value }), label)),
      );
    const form = el(
      'form',
      { class: 'card', id: 'announce-form' },
      el('h2', {}, T.composeTitle),
      el('label', { for: 'a-title' }, T.titleLabel),
      el('input', { id: 'a-title', name: 'title' }),
      el('label', { for: 'a-body' }, T.bodyLabel),
      el('textarea', { id: 'a-body', name: 'body', required: true }),
      checks(
        'topics',
        T.topicsLabel,
        data.topics.map((t) => [t.slug, t.label]),
      ),
      data.wards.length
        ? checks(
            'wards',
            T.wardsLabel,
            data.wards.map((w) => [w, w]),
          )
        : '',
      data.channels.length > 1
        ? checks(
            'channels',
            T.channelsLabel,
            data.channels.map((c) => [c, channelName(c)]),
          )
        : '',
      el('label', { for: 'a-at' }, T.atLabel),
      el('input', { id: 'a-at', name: 'at', type: 'datetime-local' }),
      el('label', { for: 'a-expires' }, T.announcementExpiresLabel),
      el('input', { id: 'a-expires', name: 'expires', type: 'date' }),
      el(
        'div',
        { class: 'actions' },
        el('button', { type: 'button', class: 'secondary', id: 'preview-button' }, T.preview),
        el('button', { type: 'button', class: 'secondary', id: 'test-button' }, T.sendTest),
      ),
      preview,
      confirmZero,
      error,
      el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'announce-submit' }, T.send)),
    );
    const draft = () => {
      const f = new FormData(form);
      return {
        title: f.get('title'),
        body: f.get('body'),
        topics: f.getAll('topics'),
        wards: f.getAll('wards'),
        channels: f.getAll('channels'),
        at: f.get('at') || undefined,
        expires: f.get('expires') || undefined,
      };
    };
    const submit = form.querySelector('#announce-submit');
    form.querySelector('#a-at').addEventListener('input', (e) => (submit.textContent = e.target.value ? T.schedule : T.send));
    const showPreview = async () => {
      const p = await attempt(() => api('POST', '/announcements/preview', draft()), error);
      if (!p) return undefined;
      preview.replaceChildren(
        el(
          'p',
          { id: 'recipients' },
          el('b', {}, fmt(T.recipients, p.total)),
          ' ',
          Object.entries(p.recipients)
            .map(([c, n]) => `${channelName(c)}: ${n}`)
            .join(' · '),
        ),
        p.total === 0 ? el('p', { class: 'warning', id: 'zero-warning' }, T.noRecipientsWarning) : '',
        ...p.warnings.map((w) => el('p', { class: 'warning' }, w)),
        // One box per channel: the same text, as each channel's residents will get it.
        ...(data.channels.length ? data.channels : ['']).map((c) =>
          el('div', { class: 'preview' }, el('h3', {}, c ? `${T.previewTitle} (${channelName(c)})` : T.previewTitle), p.text),
        ),
      );
      confirmZero.hidden = p.total !== 0;
      return p;
    };
    form.querySelector('#preview-button').addEventListener('click', showPreview);
    form.querySelector('#test-button').addEventListener('click', async () => {
      const r = await attempt(() => api('POST', '/announcements/test', draft()), error);
      if (!r) return;
      const sent = r.results.filter((x) => x.sent).map((x) => channelName(x.channel));
      const failed = r.results.filter((x) => !x.sent);
      if (sent.length) toast(fmt(T.testSent, sent.join(', ')));
      if (failed.length) error.textContent = failed.map((x) => fmt(T.testFailed, channelName(x.channel), x.error)).join(' ');
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const p = await showPreview();
      if (!p) return;
      if (p.total === 0 && !form.querySelector('#confirm-zero').checked) {
        form.querySelector('#confirm-zero').focus();
        return;
      }
      const done = await attempt(() => api('POST', '/announcements', { ...draft(), confirmNoRecipients: p.total === 0 }), error);
      if (done) route();
    });
    const list = el('ul', { id: 'announcements' });
    const drawList = (items) =>
      list.replaceChildren(
        ...items.map((a) =>
          el(
            'li',
            { class: 'card', 'data-id': a.id },
            el('b', {}, a.title || a.body.slice(0, 80)),
            ' ',
            pill(a.status, T[`announcementStatus_${a.status}`]),
            a.scheduledAt && a.status === 'scheduled' ? el('div', { class: 'muted' }, `${T.scheduledFor}: ${dateTime(a.scheduledAt)}`) : '',
            a.progress.total
              ? el('progress', { max: a.progress.total, value: a.progress.sent + a.progress.failed + a.progress.blocked })
              : '',
            el('div', { class: 'muted progress-line' }, progressLine(a.progress)),
            a.status === 'sending' || a.status === 'scheduled'
              ? dangerButton(T.stop, T.stopConfirm, async () => {
                  if (await attempt(() => api('POST', `/announcements/${a.id}/stop`))) refresh();
                })
              : '',
          ),
        ),
      );
    const refresh = async () => {
      const d = await api('GET', '/announcements').catch(() => undefined);
      if (d) drawList(d.announcements);
    };
    drawList(data.announcements);
    page(T.navAnnouncements, form, el('h2', {}, T.recentAnnouncements), list);
    // Live progress while this page is open.
    const timer = setInterval(refresh, 2000);
    stopPolling = () => clearInterval(timer);
  }

  // --- Admin -------------------------------------------------------------------------------------
  async function admin() {
    const [accounts, audit] = await Promise.all([api('GET', '/accounts'), api('GET', '/audit')]);
    const error = el('p', { class: 'error', role: 'alert' });
    const roleSelect = (name, value) =>
      el(
        'select',
        { name, id: name },
        ['staff', 'admin'].map((r) => el('option', { value: r, selected: r === value }, T[`role_${r}`])),
      );
    const form = el(
      'form',
      { class: 'card', id: 'account-form' },
      el('h2', {}, T.newAccount),
      el(
        'div',
        { class: 'filters' },
        el(
          'div',
          {},
          el('label', { for: 'acc-name' }, T.nameLabel),
          el('input', { id: 'acc-name', name: 'name', required: true, autocomplete: 'off' }),
        ),
        el(
          'div',
          {},
          el('label', { for: 'acc-display' }, T.displayNameLabel),
          el('input', { id: 'acc-display', name: 'displayName', required: true }),
        ),
        el('div', {}, el('label', { for: 'acc-role' }, T.roleLabel), roleSelect('acc-role', 'staff')),
        el(
          'div',
          {},
          el('label', { for: 'acc-password' }, T.passwordLabel),
          el('input', { id: 'acc-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true }),
        ),
        el('div', {}, el('label', { for: 'acc-telegram' }, T.telegramIdLabel), el('input', { id: 'acc-telegram', name: 'telegramId' })),
        el('div', {}, el('label', { for: 'acc-zalo' }, T.zaloIdLabel), el('input', { id: 'acc-zalo', name: 'zaloId' })),
      ),
      error,
      el('div', { class: 'actions' }, el('button', { type: 'submit' }, T.newAccount)),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const f = new FormData(form);
      const body = {
        name: f.get('name'),
        displayName: f.get('displayName'),
        role: f.get('acc-role'),
        password: f.get('password'),
        telegramId: f.get('telegramId') || undefined,
        zaloId: f.get('zaloId') || undefined,
      };
      if (await attempt(() => api('POST', '/accounts', body), error)) {
        toast(T.saved);
        route();
      }
    });
    page(
      T.navAdmin,
      el('p', {}, el('a', { href: `${API}/export/questions.csv`, download: 'cau-hoi.csv', id: 'export-link' }, T.exportQuestions)),
      form,
      el('h2', {}, T.accounts),
      el(
        'table',
        { class: 'stack', id: 'accounts' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            [T.nameLabel, T.displayNameLabel, T.roleLabel, T.telegramIdLabel, T.zaloIdLabel, T.lastSignIn, ''].map((h) =>
              el('th', { scope: 'col' }, h),
            ),
          ),
        ),
        el(
          'tbody',
          {},
          accounts.accounts.map((a) => {
            const rowError = el('span', { class: 'error', role: 'alert' });
            const change = async (body) => {
              if (await attempt(() => api('PATCH', `/accounts/${a.id}`, body), rowError)) route();
            };
            // Telegram/Zalo ids: the account's role in the bots, and where "send a test to myself" goes.
            const idButton = (field, value, label) =>
              el(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  'aria-label': `${T.edit}: ${label} (${a.name})`,
                  onclick: () => {
                    const next = prompt(`${label} (${a.name})`, value || '');
                    if (next !== null) change({ [field]: next.trim() });
                  },
                },
                T.edit,
              );
            const role = roleSelect(`role-${a.id}`, a.role);
            role.setAttribute('aria-label', `${T.roleLabel}: ${a.name}`);
            role.addEventListener('change', () => change({ role: role.value }));
            return el(
              'tr',
              {},
              el('td', { 'data-label': T.nameLabel }, a.name, a.disabled ? ` (${T.disabledLabel})` : ''),
              el('td', { 'data-label': T.displayNameLabel }, a.displayName),
              el('td', { 'data-label': T.roleLabel }, role),
              el(
                'td',
                { 'data-label': T.telegramIdLabel },
                a.telegramId || '–',
                ' ',
                idButton('telegramId', a.telegramId, T.telegramIdLabel),
              ),
              el('td', { 'data-label': T.zaloIdLabel }, a.zaloId || '–', ' ', idButton('zaloId', a.zaloId, T.zaloIdLabel)),
              el('td', { 'data-label': T.lastSignIn }, a.lastSignInAt ? dateTime(a.lastSignInAt) : '–'),
              el(
                'td',
                {},
                el(
                  'button',
                  { type: 'button', class: a.disabled ? 'secondary' : 'danger', onclick: () => change({ disabled: !a.disabled }) },
                  a.disabled ? T.enable : T.disable,
                ),
                ' ',
                el(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    onclick: async () => {
                      const password = prompt(fmt(T.newPasswordPrompt, a.name));
                      if (!password) return;
                      if (await attempt(() => api('POST', `/accounts/${a.id}/password`, { password }), rowError)) toast(T.saved);
                    },
                  },
                  T.resetPassword,
                ),
                rowError,
              ),
            );
          }),
        ),
      ),
      el('h2', {}, T.auditLog),
      el(
        'table',
        { class: 'stack', id: 'audit' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            [T.askedAt, T.who, T.action, T.target].map((h) => el('th', { scope: 'col' }, h)),
          ),
        ),
        el(
          'tbody',
          {},
          audit.entries.map((x) =>
            el(
              'tr',
              {},
              el('td', { 'data-label': T.askedAt }, dateTime(x.createdAt)),
              el('td', { 'data-label': T.who }, x.userName),
              el('td', { 'data-label': T.action }, x.action, x.allowed ? '' : el('span', { class: 'error' }, ` (${T.refused})`)),
              el('td', { 'data-label': T.target }, x.target || ''),
            ),
          ),
        ),
      ),
    );
  }

  // --- Routing -----------------------------------------------------------------------------------
  const PAGES = {
    '#tong-quan': overview,
    '#cau-hoi': questions,
    '#chua-tra-loi': unanswered,
    '#tra-loi-mau': curated,
    '#tai-lieu': documents,
    '#thong-bao': announcements,
    '#quan-tri': admin,
  };
  /** Pages with a part in their address ("#ho-so/12"): [pattern, page(match), the menu entry it belongs to]. */
  const PATTERNS = [];

  async function route() {
    stopPolling();
    stopPolling = () => {};
    const matched = PATTERNS.map(([re, show, nav]) => [re.exec(location.hash), show, nav]).find(([m]) => m);
    const hash = matched ? matched[2] : PAGES[location.hash] ? location.hash : '#tong-quan';
    for (const a of document.querySelectorAll('nav a')) {
      if (a.getAttribute('href') === hash) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    main.replaceChildren(el('p', {}, T.loading));
    try {
      if (matched) {
        await matched[1](matched[0]);
        main.dataset.page = `${hash.slice(1)}-chi-tiet`;
      } else {
        await PAGES[hash]();
        main.dataset.page = hash.slice(1);
      }
    } catch (err) {
      if (err.status !== 401) main.replaceChildren(el('p', { class: 'error', role: 'alert' }, err.message));
    }
  }

  async function start() {
    const s = await fetch(`${API}/session`, { credentials: 'same-origin' }).then((r) => r.json());
    if (!s.user) {
      location.replace('/quan-tri/dang-nhap');
      return;
    }
    me = s.user;
    csrf = s.csrfToken;
    document.getElementById('who').textContent = `${me.displayName} (${T[`role_${me.role}`]})`;
    if (me.role === 'admin') for (const n of document.querySelectorAll('.admin-only')) n.hidden = false;
    document.getElementById('sign-out').addEventListener('click', async () => {
      await api('POST', '/sign-out').catch(() => undefined);
      location.replace('/quan-tri/dang-nhap');
    });
    window.addEventListener('hashchange', route);
    await route();
  }

  // What the other page scripts (cases.js) build their pages with; they run before start.
  window.civicConsole = {
    T,
    API,
    el,
    api,
    attempt,
    toast,
    page,
    pill,
    fmt,
    dateTime,
    select,
    writeCurated,
    route,
    addPage: (hash, show) => (PAGES[hash] = show),
    addPattern: (re, show, nav) => PATTERNS.push([re, show, nav]),
    addToOverview: (part) => overviewParts.push(part),
  };
  // After every deferred page script has run and registered its pages.
  document.addEventListener('DOMContentLoaded', start);
})();
