// The console's case pages: the filtered list (#ho-so), one case (#ho-so/12) with its thread and
// the staff actions, and the case figures on the overview. Built with console.js's helpers; all
// text from the server is set as text, never as HTML.

(() => {
  const { T, API, el, api, attempt, toast, page, pill, fmt, dateTime, select, writeCurated, route } = window.civicConsole;

  /** The list's last filters and page, kept while moving between the list and a case. */
  let listQuery = new URLSearchParams({ status: 'open' });
  /** The filters' choices (statuses, categories, wards, staff); fetched once per page view. */
  const choices = () => api('GET', '/cases/choices');

  const statusLabel = (s) => T[`caseStatus_${s}`] || s;
  const statusPill = (s) => pill(`case-${s}`, statusLabel(s));
  const kindLabel = (c) =>
    c.kind === 'report' ? `${T.caseKind_report}${c.categoryLabel ? ` · ${c.categoryLabel}` : ''}` : T.caseKind_question;
  const excerpt = (s, n = 90) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

  function duration(ms) {
    const minutes = Math.round(ms / 60_000);
    if (minutes < 60) return fmt(T.durationMinutes, minutes);
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return fmt(T.durationHours, hours, minutes % 60);
    return fmt(T.durationDays, Math.floor(hours / 24), hours % 24);
  }

  function dueCell(c) {
    return el(
      'span',
      { class: c.overdue ? 'overdue-text' : '' },
      dateTime(c.dueAt),
      c.overdue ? [' ', pill('overdue', T.caseOverdue)] : '',
    );
  }

  // --- The list ----------------------------------------------------------------------------------
  async function casesPage() {
    const ch = await choices();
    const form = el(
      'form',
      { class: 'filters card', role: 'search', id: 'case-filters' },
      el(
        'div',
        { class: 'wide' },
        el('label', { for: 'case-q' }, T.caseSearchLabel),
        el('input', { id: 'case-q', name: 'q', type: 'search' }),
      ),
      select('case-status', T.caseStatusLabel, [['open', T.caseStatus_open], ...ch.statuses.map((s) => [s, statusLabel(s)])]),
      select('case-kind', T.caseKindLabel, [
        ['question', T.caseKind_question],
        ['report', T.caseKind_report],
      ]),
      select(
        'case-category',
        T.caseCategoryLabel,
        ch.categories.map((c) => [c.slug, c.label]),
      ),
      select(
        'case-ward',
        T.caseWardLabel,
        ch.wards.map((w) => [w, w]),
      ),
      select(
        'case-assignee',
        T.caseAssigneeLabel,
        ch.staff.map((s) => [s.displayName, s.displayName]),
      ),
      el(
        'div',
        {},
        el('label', { for: 'case-older' }, T.caseOlderLabel),
        el('input', { id: 'case-older', name: 'olderThanDays', type: 'number', min: 0, max: 3650, inputmode: 'numeric' }),
      ),
      el(
        'div',
        {},
        el('label', {}, el('input', { type: 'checkbox', id: 'case-overdue', name: 'overdue', value: '1' }), ' ', T.caseOverdueOnly),
      ),
      el(
        'div',
        {},
        el(
          'label',
          {},
          el('input', { type: 'checkbox', id: 'case-unassigned', name: 'unassigned', value: '1' }),
          ' ',
          T.caseUnassignedOnly,
        ),
      ),
      el('div', {}, el('button', { type: 'submit' }, T.search)),
    );
    // The select helper names its fields after their ids; the API reads these names.
    for (const [id, name] of [
      ['case-status', 'status'],
      ['case-kind', 'kind'],
      ['case-category', 'category'],
      ['case-ward', 'ward'],
      ['case-assignee', 'assignee'],
    ])
      form.querySelector(`#${id}`).name = name;
    for (const [name, value] of listQuery) {
      const field = form.elements.namedItem(name);
      if (!field) continue;
      if (field.type === 'checkbox') field.checked = Boolean(value);
      else field.value = value;
    }
    const results = el('div', { id: 'case-results' });
    const error = el('p', { class: 'error', role: 'alert' });
    const exportLink = el('a', { id: 'case-export', download: 'ho-so.csv' }, T.exportCases);

    const load = async (pageNo) => {
      const params = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (v) params.set(k, v);
      exportLink.href = `${API}/cases/export.csv?${params}`;
      if (pageNo > 1) params.set('page', pageNo);
      listQuery = params;
      const data = await attempt(() => api('GET', `/cases?${params}`), error);
      if (!data) return;
      const rows = data.cases.map((c) =>
        el(
          'tr',
          { class: c.overdue ? 'overdue' : '', 'data-id': c.id },
          el('td', { 'data-label': T.caseNumber }, el('a', { href: `#ho-so/${c.id}` }, c.number)),
          el('td', { 'data-label': T.caseKindLabel }, kindLabel(c)),
          el('td', { 'data-label': T.caseText }, c.anonymized ? el('i', {}, T.anonymizedCase) : excerpt(c.text)),
          el('td', { 'data-label': T.caseWardLabel }, c.ward || ''),
          el('td', { 'data-label': T.caseStatusLabel }, statusPill(c.status)),
          el('td', { 'data-label': T.caseOpenedAt }, dateTime(c.createdAt)),
          el('td', { 'data-label': T.caseDue }, dueCell(c)),
          el('td', { 'data-label': T.caseAssigneeLabel }, c.assignee || T.unassigned),
        ),
      );
      results.replaceChildren(
        el('p', { class: 'muted', id: 'case-count' }, fmt(T.casesCount, data.total), ' · ', fmt(T.casesPage, data.page, data.pages)),
        data.cases.length
          ? el(
              'table',
              { class: 'stack cases' },
              el(
                'thead',
                {},
                el(
                  'tr',
                  {},
                  [
                    T.caseNumber,
                    T.caseKindLabel,
                    T.caseText,
                    T.caseWardLabel,
                    T.caseStatusLabel,
                    T.caseOpenedAt,
                    T.caseDue,
                    T.caseAssigneeLabel,
                  ].map((h) => el('th', { scope: 'col' }, h)),
                ),
              ),
              el('tbody', {}, rows),
            )
          : el('p', { class: 'muted' }, T.empty),
        el(
          'div',
          { class: 'actions pager' },
          data.page > 1 ? el('button', { type: 'button', class: 'secondary', onclick: () => load(data.page - 1) }, T.previousPage) : '',
          data.page < data.pages
            ? el('button', { type: 'button', class: 'secondary', onclick: () => load(data.page + 1) }, T.nextPage)
            : '',
        ),
      );
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      load(1);
    });
    page(T.navCases, el('p', { class: 'muted' }, T.casesIntro), form, el('p', {}, exportLink), error, results);
    await load(Number(listQuery.get('page')) || 1);
  }

  // --- One case ----------------------------------------------------------------------------------
  function entryLine(e, c) {
    const who = e.author || '';
    switch (e.kind) {
      case 'resident':
        return [el('b', {}, T.entry_resident), el('div', { class: 'answer' }, e.text)];
      case 'staff':
        return [
          el('b', {}, fmt(T.entry_staff, who)),
          ...(e.delivery ? [' ', pill(`delivery-${e.delivery}`, T[`delivery_${e.delivery}`] || e.delivery)] : []),
          el('div', { class: 'answer' }, e.text),
          c.anonymized
            ? ''
            : el(
                'button',
                {
                  type: 'button',
                  class: 'secondary to-curated',
                  onclick: async () => {
                    const r = await attempt(() => api('POST', `/cases/${c.id}/curated`, { entryId: e.id }));
                    if (!r) return;
                    toast(fmt(T.toCuratedDone, r.curated.id));
                    writeCurated(r.curated.variants, r.curated);
                  },
                },
                T.toCurated,
              ),
        ];
      case 'note':
        return [
          el('b', {}, fmt(T.entry_note, who)),
          ' ',
          el('span', { class: 'muted' }, T.noteHidden),
          el('div', { class: 'answer note' }, e.text),
        ];
      case 'status':
        return [fmt(T.entry_status, who, statusLabel(e.text))];
      case 'assign':
        return [e.text ? fmt(T.entry_assign, who, e.text) : fmt(T.entry_unassign, who)];
      case 'rating':
        return [fmt(T.entry_rating, e.text)];
      default:
        return [e.text];
    }
  }

  function actionForm(id, legend, field, button, send) {
    const error = el('p', { class: 'error', role: 'alert' });
    const form = el(
      'form',
      { class: 'card case-action', id },
      el('h2', {}, legend),
      field,
      error,
      el('div', { class: 'actions' }, el('button', { type: 'submit' }, button)),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      await send(form, error);
    });
    return form;
  }

  async function caseDetail(match) {
    const id = Number(match[1]);
    const [ch, data] = await Promise.all([choices(), api('GET', `/cases/${id}`)]);
    const c = data.case;
    const done = async (promise, error, message) => {
      if (await attempt(() => promise(), error)) {
        toast(message);
        await route();
      }
    };
    const facts = el(
      'dl',
      { class: 'facts card' },
      [
        [T.caseKindLabel, kindLabel(c)],
        [T.caseStatusLabel, statusPill(c.status)],
        [T.caseFrom, c.displayName || '–'],
        [T.caseChannel, T[`channel_${c.channel}`] || c.channel],
        [T.caseWardLabel, c.ward || '–'],
        [T.caseAddress, c.address || '–'],
        [
          T.caseLocation,
          c.mapUrl
            ? el(
                'a',
                { href: c.mapUrl, rel: 'noopener noreferrer', target: '_blank', id: 'case-map' },
                `${c.location.latitude}, ${c.location.longitude} · ${T.openMap}`,
              )
            : '–',
        ],
        [T.caseOpenedAt, dateTime(c.createdAt)],
        [T.caseDue, dueCell(c)],
        [T.caseAssigneeLabel, c.assignee || T.unassigned],
        ...(c.rating ? [[T.satisfaction, fmt(T.ratingValue, c.rating)]] : []),
      ].flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
    );
    const photos = c.photos.length
      ? el(
          'section',
          { class: 'card' },
          el('h2', {}, T.casePhotos),
          el(
            'div',
            { class: 'photos' },
            c.photos.map((p, i) =>
              el(
                'a',
                { href: `/quan-tri/anh/${p.id}`, target: '_blank' },
                el('img', { src: `/quan-tri/anh/${p.id}`, alt: fmt(T.casePhotoAlt, i + 1, c.number), loading: 'lazy' }),
              ),
            ),
          ),
        )
      : '';
    const thread = el(
      'ol',
      { class: 'thread', id: 'case-thread' },
      data.entries.map((e) =>
        el(
          'li',
          { class: `entry entry-${e.kind}`, 'data-kind': e.kind },
          el('span', { class: 'muted' }, dateTime(e.at)),
          ' ',
          entryLine(e, c),
        ),
      ),
    );

    const reply = actionForm(
      'case-reply',
      T.sendReply,
      [
        el('label', { for: 'reply-text' }, T.replyLabel),
        c.channel === 'web' ? el('p', { class: 'muted', id: 'web-reply-hint' }, T.webReplyHint) : '',
        el('textarea', { id: 'reply-text', name: 'text', required: true, maxlength: 2000 }),
      ],
      T.sendReply,
      (form, error) => done(() => api('POST', `/cases/${c.id}/reply`, { text: form.elements.text.value }), error, T.replySent),
    );
    const statusForm = actionForm(
      'case-status-form',
      T.changeStatus,
      [
        el('label', { for: 'new-status' }, T.caseStatusLabel),
        el(
          'select',
          { id: 'new-status', name: 'status' },
          ch.statuses.map((s) => el('option', { value: s, selected: s === c.status }, statusLabel(s))),
        ),
      ],
      T.changeStatus,
      (form, error) => done(() => api('POST', `/cases/${c.id}/status`, { status: form.elements.status.value }), error, T.statusChanged),
    );
    const assignForm = actionForm(
      'case-assign',
      T.assignTo,
      [
        el('label', { for: 'assignee' }, T.caseAssigneeLabel),
        el(
          'select',
          { id: 'assignee', name: 'userId' },
          el('option', { value: '' }, T.unassigned),
          ch.staff.map((s) => el('option', { value: s.id, selected: s.displayName === c.assignee }, s.displayName)),
        ),
      ],
      T.assign,
      (form, error) => {
        const v = form.elements.userId.value;
        return done(() => api('POST', `/cases/${c.id}/assign`, { userId: v ? Number(v) : null }), error, T.assigned);
      },
    );
    const noteForm = actionForm(
      'case-note',
      T.addNote,
      [el('label', { for: 'note-text' }, T.noteLabel), el('textarea', { id: 'note-text', name: 'text', required: true, maxlength: 2000 })],
      T.addNote,
      (form, error) => done(() => api('POST', `/cases/${c.id}/note`, { text: form.elements.text.value }), error, T.noteAdded),
    );

    page(
      `${c.number}`,
      el('p', {}, el('a', { href: '#ho-so' }, T.backToCases)),
      c.overdue ? el('p', { class: 'warning', id: 'case-overdue-warning' }, T.caseOverdue, ': ', dateTime(c.dueAt)) : '',
      facts,
      el(
        'section',
        { class: 'card' },
        el('h2', {}, T.residentWrote),
        c.anonymized ? el('p', { class: 'muted' }, T.anonymizedCase) : el('div', { class: 'answer', id: 'case-text' }, c.text),
      ),
      photos,
      el('section', { class: 'card' }, el('h2', {}, T.caseThread), data.entries.length ? thread : el('p', { class: 'muted' }, T.empty)),
      c.anonymized ? '' : reply,
      el('div', { class: 'grid2' }, statusForm, assignForm),
      noteForm,
    );
  }

  // --- Overview: figures per category and per ward -----------------------------------------------
  let figuresDays = 30;

  function figuresTable(rows, heading, id) {
    return el(
      'section',
      {},
      el('h3', {}, heading),
      rows.length
        ? el(
            'table',
            { class: 'stack', id },
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                ['', T.received, T.handledOnTime, T.medianFirstReply, T.satisfaction].map((h) => el('th', { scope: 'col' }, h)),
              ),
            ),
            el(
              'tbody',
              {},
              rows.map((f) =>
                el(
                  'tr',
                  {},
                  el('th', { scope: 'row' }, f.label),
                  el('td', { 'data-label': T.received }, f.received),
                  el(
                    'td',
                    { 'data-label': T.handledOnTime },
                    f.handled ? `${f.handledOnTime}/${f.handled} (${Math.round((100 * f.handledOnTime) / f.handled)}%)` : '–',
                  ),
                  el('td', { 'data-label': T.medianFirstReply }, f.medianFirstReplyMs === undefined ? '–' : duration(f.medianFirstReplyMs)),
                  el(
                    'td',
                    { 'data-label': T.satisfaction },
                    f.ratings ? fmt(T.satisfactionValue, f.satisfaction.toFixed(1).replace('.', ','), f.ratings) : '–',
                  ),
                ),
              ),
            ),
          )
        : el('p', { class: 'muted' }, T.empty),
    );
  }

  async function caseFigures() {
    const section = el('section', { class: 'card', id: 'case-figures' });
    const draw = async () => {
      const f = await api('GET', `/cases/figures?days=${figuresDays}`);
      const period = el(
        'select',
        { id: 'case-figures-days' },
        [7, 30, 90, 365].map((d) => el('option', { value: d, selected: d === f.period }, fmt(T.daysOption, d))),
      );
      period.addEventListener('change', async () => {
        figuresDays = Number(period.value);
        await attempt(draw);
        section.querySelector('#case-figures-days')?.focus();
      });
      section.replaceChildren(
        el('h2', {}, T.caseFigures),
        el('label', { for: 'case-figures-days' }, T.caseFiguresPeriod),
        period,
        el(
          'div',
          { class: 'grid2' },
          figuresTable(f.byCategory, T.byCategory, 'figures-category'),
          figuresTable(f.byWard, T.byWard, 'figures-ward'),
        ),
      );
    };
    await draw();
    return section;
  }

  window.civicConsole.addPage('#ho-so', casesPage);
  window.civicConsole.addPattern(/^#ho-so\/(\d+)$/, caseDetail, '#ho-so');
  window.civicConsole.addToOverview(caseFigures);
})();
