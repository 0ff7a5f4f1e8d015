// The web chat's cases: "Gặp cán bộ" under an answer the documents could not give, the "Phản ánh"
// form (category, ward, address, the browser's location only when asked, photos, a description,
// a preview before sending) and "Hồ sơ của tôi" (this browser's cases with staff replies, writing
// back, a rating once closed). The browser's id is an httpOnly cookie this script never sees;
// changes carry the CSRF token from GET /api/cases/setup. Every string comes from that answer and
// every piece of text is set with textContent, never parsed as HTML.

(() => {
  /** Web residents get no push: while "Hồ sơ của tôi" is open and the tab visible, it is read again. */
  const POLL_MS = 20000;
  /** With the list closed, how often the page looks whether a case changed. */
  const NEWS_MS = 60000;

  const messages = document.getElementById('messages');
  const askForm = document.getElementById('ask-form');
  const panel = document.getElementById('cases-panel');
  const reportButton = document.getElementById('report-problem');
  const casesButton = document.getElementById('my-cases');
  let setup;
  let t;
  let pollTimer;
  let blocked = false;
  /** Each of this browser's cases as the resident last saw it: number → what would change with news. */
  const seen = new Map();
  const stateOf = (c) => `${c.status}|${c.messages.length}`;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(text, type, className) {
    const node = el('button', className || 'case-button', text);
    node.type = type || 'button';
    return node;
  }

  /** "Đã lấy vị trí: {lat}, {lon}" with the values put in. */
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }

  function field(labelText, control, hint) {
    const label = el('label', 'case-field');
    label.appendChild(el('span', 'case-label', labelText));
    label.appendChild(control);
    if (hint) label.appendChild(el('span', 'case-hint', hint));
    return label;
  }

  function errorLine() {
    const node = el('p', 'error');
    node.hidden = true;
    node.setAttribute('role', 'alert');
    return node;
  }

  function showError(node, message) {
    node.textContent = message;
    node.hidden = !message;
  }

  async function call(method, url, body) {
    const init = { method, credentials: 'same-origin', headers: {} };
    if (method !== 'GET') init.headers['x-csrf-token'] = setup.csrfToken;
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error(data?.error?.message || t.loadFailed);
    return data;
  }

  function botCard(className, label) {
    const article = el('article', `msg msg-bot case-card ${className}`);
    article.setAttribute('aria-label', label);
    messages.appendChild(article);
    messages.scrollTop = messages.scrollHeight;
    return article;
  }

  /** Inside another site's page the browser may refuse our cookie: the cases then open in a tab of their own. */
  function offerOwnTab() {
    const card = botCard('embedded', t.reportTitle);
    card.appendChild(el('p', 'text', t.embedded));
    const link = el('a', 'case-button', t.openInTab);
    link.href = location.href;
    link.target = '_blank';
    link.rel = 'noopener';
    card.appendChild(link);
  }

  // ── Ask a person ───────────────────────────────────────────────────────────────────────────────

  /** The last question the documents could not answer: what "gặp cán bộ" typed later offers to send. */
  let unanswered = '';

  document.addEventListener('civicbot:answer', (event) => {
    const { question, status, action, article } = event.detail;
    if (!setup) return;
    // "phản ánh", "theo dõi", "gặp cán bộ" typed in the chat (the server reads them as on Telegram and Zalo).
    if (action === 'report') return openReport();
    if (action === 'follow') return openPanel();
    if (action !== 'handoff' && status !== 'not_found' && status !== 'refused') return;
    const text = action === 'handoff' ? unanswered : question;
    if (action !== 'handoff') unanswered = question;
    const box = el('div', 'handoff');
    const offer = () => {
      const ask = button(t.askPerson, 'button', 'case-button ask-person');
      ask.addEventListener('click', () => (blocked ? offerOwnTab() : box.replaceChildren(handoffForm(text, box, offer))));
      box.replaceChildren(ask);
    };
    if (action === 'handoff' && !blocked) box.replaceChildren(handoffForm(text, box, offer));
    else offer();
    article.appendChild(box);
  });

  function handoffForm(question, box, backToOffer) {
    const form = el('form', 'case-form handoff-form');
    form.appendChild(el('p', 'case-hint', t.askPersonHint));
    const text = el('textarea');
    text.name = 'text';
    text.rows = 3;
    text.maxLength = 2000;
    text.required = true;
    text.value = question;
    form.appendChild(field(t.askPersonLabel, text));
    const send = button(t.askPersonSend, 'submit', 'case-button primary');
    const cancel = button(t.cancel);
    cancel.addEventListener('click', backToOffer);
    const error = errorLine();
    const row = el('div', 'case-actions');
    row.append(send, cancel);
    form.append(row, error);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      send.disabled = true;
      try {
        const data = await call('POST', '/api/cases/questions', { text: text.value });
        seen.set(data.case.number, stateOf(data.case));
        box.replaceChildren(el('p', 'case-opened', data.text));
      } catch (err) {
        showError(error, err.message);
        send.disabled = false;
      }
    });
    return form;
  }

  // ── Report a problem ───────────────────────────────────────────────────────────────────────────

  function select(name, options) {
    const node = el('select');
    node.name = name;
    for (const [value, label] of options) {
      const option = el('option', '', label);
      option.value = value;
      node.appendChild(option);
    }
    return node;
  }

  function openReport() {
    closePanel();
    if (blocked) return offerOwnTab();
    const card = botCard('report', t.reportTitle);
    card.appendChild(el('h2', 'case-title', t.reportTitle));
    const state = { photos: [], location: undefined };

    const form = el('form', 'case-form report-form');
    const category = select(
      'category',
      setup.categories.map((c) => [c.slug, c.label]),
    );
    const ward = select('ward', [['', t.wardNone]].concat(setup.wards.map((w) => [w, w])));
    const address = el('input');
    address.name = 'address';
    address.maxLength = 300;
    address.autocomplete = 'street-address';

    const locate = button(t.useLocation, 'button', 'case-button use-location');
    const locationStatus = el('span', 'location-status');
    const dropLocation = button(t.removeLocation);
    dropLocation.hidden = true;
    const locationRow = el('div', 'case-actions location-row');
    locationRow.append(locate, locationStatus, dropLocation);
    // The position is asked for only on this click: the browser then asks the resident's consent.
    locate.addEventListener('click', () => {
      if (!navigator.geolocation) return void (locationStatus.textContent = t.locationRefused);
      locationStatus.textContent = t.locating;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          const round = (x) => Math.round(x * 1e6) / 1e6;
          state.location = { latitude: round(position.coords.latitude), longitude: round(position.coords.longitude) };
          locationStatus.textContent = fill(t.located, { lat: state.location.latitude, lon: state.location.longitude });
          dropLocation.hidden = false;
        },
        () => {
          state.location = undefined;
          locationStatus.textContent = t.locationRefused;
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
      );
    });
    dropLocation.addEventListener('click', () => {
      state.location = undefined;
      locationStatus.textContent = '';
      dropLocation.hidden = true;
    });

    const files = el('input');
    files.type = 'file';
    files.name = 'photos';
    files.accept = 'image/jpeg,image/png,image/webp,image/heic';
    files.multiple = true;
    const thumbs = el('div', 'thumbs');
    const photoError = errorLine();
    const showThumbs = (into, removable) => {
      into.replaceChildren();
      state.photos.forEach((photo, i) => {
        const item = el('figure', 'thumb');
        const img = el('img');
        img.src = photo.url;
        img.alt = photo.file.name;
        item.appendChild(img);
        if (removable) {
          const remove = button('×', 'button', 'thumb-remove');
          remove.setAttribute('aria-label', `${t.cancel} ${photo.file.name}`);
          remove.addEventListener('click', () => {
            URL.revokeObjectURL(photo.url);
            state.photos.splice(i, 1);
            showThumbs(into, true);
          });
          item.appendChild(remove);
        }
        into.appendChild(item);
      });
    };
    // Checked here for a quick answer; the server checks again, and by content, not by name.
    files.addEventListener('change', () => {
      const problems = [];
      for (const file of files.files) {
        if (state.photos.length >= setup.maxPhotos) {
          problems.push(t.tooManyPhotos);
          break;
        }
        if (file.size > setup.photoMaxBytes) problems.push(fill(t.photoTooLarge, { name: file.name }));
        else state.photos.push({ file, url: URL.createObjectURL(file) });
      }
      files.value = '';
      showError(photoError, problems.join('\n'));
      showThumbs(thumbs, true);
    });

    const description = el('textarea');
    description.name = 'description';
    description.rows = 3;
    description.maxLength = 2000;

    const previewButton = button(t.preview, 'submit', 'case-button primary');
    const cancel = button(t.cancel);
    const error = errorLine();
    const row = el('div', 'case-actions');
    row.append(previewButton, cancel);
    form.append(
      field(t.category, category),
      field(t.ward, ward),
      field(t.address, address),
      locationRow,
      field(t.photos, files, t.photosHint),
      photoError,
      thumbs,
      field(t.description, description),
      row,
      error,
    );
    card.appendChild(form);

    const preview = el('div', 'case-preview');
    preview.hidden = true;
    card.appendChild(preview);

    const forget = () => state.photos.forEach((p) => URL.revokeObjectURL(p.url));
    cancel.addEventListener('click', () => {
      forget();
      card.remove();
    });

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!description.value.trim()) return showError(error, t.noDescription);
      if (!address.value.trim() && !ward.value && !state.location) return showError(error, t.noWhere);
      showError(error, '');
      form.hidden = true;
      renderPreview();
    });

    function renderPreview() {
      preview.replaceChildren(el('h3', '', t.previewTitle));
      const list = el('dl');
      const add = (term, value) => {
        if (!value) return;
        list.append(el('dt', '', term), el('dd', '', value));
      };
      add(t.category, category.selectedOptions[0].textContent);
      add(t.ward, ward.value);
      add(t.address, address.value.trim());
      add(t.previewLocation, state.location && `${state.location.latitude}, ${state.location.longitude}`);
      add(t.photos, state.photos.length ? String(state.photos.length) : t.previewNoPhotos);
      add(t.description, description.value.trim());
      preview.appendChild(list);
      const previewThumbs = el('div', 'thumbs');
      showThumbs(previewThumbs, false);
      preview.appendChild(previewThumbs);
      const send = button(t.send, 'button', 'case-button primary send-report');
      const edit = button(t.edit);
      const sendError = errorLine();
      const actions = el('div', 'case-actions');
      actions.append(send, edit);
      preview.append(actions, sendError);
      preview.hidden = false;
      messages.scrollTop = messages.scrollHeight;

      edit.addEventListener('click', () => {
        preview.hidden = true;
        form.hidden = false;
      });
      send.addEventListener('click', async () => {
        send.disabled = true;
        edit.disabled = true;
        send.textContent = t.sending;
        const body = new FormData();
        body.append('category', category.value);
        if (ward.value) body.append('ward', ward.value);
        if (address.value.trim()) body.append('address', address.value.trim());
        if (state.location) {
          body.append('latitude', String(state.location.latitude));
          body.append('longitude', String(state.location.longitude));
        }
        body.append('description', description.value.trim());
        for (const photo of state.photos) body.append('photos', photo.file, photo.file.name);
        try {
          const data = await call('POST', '/api/cases/reports', body);
          seen.set(data.case.number, stateOf(data.case));
          forget();
          card.replaceChildren(el('p', 'text case-opened', data.text));
        } catch (err) {
          showError(sendError, err.message);
          send.disabled = false;
          edit.disabled = false;
          send.textContent = t.send;
        }
      });
    }
    category.focus();
  }

  // ── Hồ sơ của tôi ──────────────────────────────────────────────────────────────────────────────

  function openPanel() {
    if (blocked) return offerOwnTab();
    panel.hidden = false;
    messages.hidden = true;
    askForm.hidden = true;
    casesButton.setAttribute('aria-expanded', 'true');
    panel.replaceChildren(el('p', 'case-hint', t.loading));
    loadCases();
    clearInterval(pollTimer);
    pollTimer = setInterval(() => {
      if (!document.hidden) loadCases();
    }, POLL_MS);
  }

  function closePanel() {
    clearInterval(pollTimer);
    panel.hidden = true;
    messages.hidden = false;
    askForm.hidden = false;
    casesButton.setAttribute('aria-expanded', 'false');
  }

  async function loadCases() {
    try {
      const data = await call('GET', '/api/cases');
      if (!panel.hidden) renderCases(data.cases);
    } catch (err) {
      panel.replaceChildren(el('p', 'error', err.message));
    }
  }

  /** Marks "Hồ sơ của tôi" when a case changed since the resident last looked (a staff reply, a new status). */
  function markNews(news) {
    casesButton.classList.toggle('has-news', news);
    casesButton.textContent = news ? t.myCasesNews : t.myCases;
  }

  /** While the list is closed: one look a minute (and when the tab comes back) if a case is still open. */
  async function lookForNews() {
    if (blocked || !panel.hidden || document.hidden || !seen.size) return;
    try {
      const data = await call('GET', '/api/cases');
      if (data.cases.some((c) => seen.get(c.number) !== stateOf(c))) markNews(true);
    } catch (_) {
      /* the next look will tell */
    }
  }

  function renderCases(cases) {
    seen.clear();
    for (const c of cases) seen.set(c.number, stateOf(c));
    markNews(false);
    // What the resident is typing into a case survives the next read.
    const drafts = {};
    for (const box of panel.querySelectorAll('textarea[data-number]')) drafts[box.dataset.number] = box.value;
    const focused = document.activeElement?.dataset?.number;

    const head = el('div', 'cases-head');
    head.appendChild(el('h2', '', t.myCasesTitle));
    const refresh = button(t.refresh, 'button', 'case-button refresh-cases');
    refresh.addEventListener('click', loadCases);
    const back = button(t.backToChat);
    back.addEventListener('click', closePanel);
    const actions = el('div', 'case-actions');
    actions.append(refresh, back);
    head.appendChild(actions);
    const nodes = [head, el('p', 'case-hint', t.privateNote)];
    if (!cases.length) nodes.push(el('p', 'no-cases', t.noCases));
    for (const c of cases) nodes.push(caseItem(c, drafts[c.number]));
    if (cases.length) nodes.push(forgetBox());
    panel.replaceChildren(...nodes);
    if (focused) {
      const box = panel.querySelector(`textarea[data-number="${focused}"]`);
      if (box) box.focus();
    }
  }

  /** Deleting this browser's case data, after a confirmation (as /xoadulieu on Telegram and Zalo). */
  function forgetBox() {
    const box = el('div', 'case-forget');
    const ask = button(t.forget, 'button', 'case-button forget');
    ask.addEventListener('click', () => {
      // Not re-read while the resident decides.
      clearInterval(pollTimer);
      const yes = button(t.forgetYes, 'button', 'case-button primary forget-yes');
      const no = button(t.cancel);
      const error = errorLine();
      const row = el('div', 'case-actions');
      row.append(yes, no);
      box.replaceChildren(el('p', '', t.forgetConfirm), row, error);
      no.addEventListener('click', openPanel);
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        try {
          const data = await call('POST', '/api/cases/forget', {});
          panel.replaceChildren(el('p', 'case-forgotten', data.text));
        } catch (err) {
          showError(error, err.message);
          yes.disabled = false;
        }
      });
    });
    box.appendChild(ask);
    return box;
  }

  function caseItem(c, draft) {
    const item = el('article', 'case-item');
    item.dataset.number = c.number;
    const head = el('header', 'case-item-head');
    head.append(el('strong', 'case-number', c.number), el('span', 'case-kind', c.kindLabel));
    const status = el('span', `case-status status-${c.status}`, c.statusLabel);
    head.appendChild(status);
    item.appendChild(head);
    item.appendChild(el('p', 'case-text', c.text));
    const meta = [c.category, c.ward, c.address, c.photos ? fill(t.photoCount, { n: c.photos }) : '', `${t.updated} ${c.updated}`];
    item.appendChild(el('p', 'case-meta', meta.filter(Boolean).join(' · ')));

    if (c.messages.length) {
      const list = el('ol', 'case-messages');
      for (const m of c.messages) {
        const line = el('li', `from-${m.from}`);
        line.append(el('span', 'who', `${t.from[m.from]} · ${m.at}`), el('span', 'said', m.text));
        list.appendChild(line);
      }
      item.appendChild(list);
    }

    if (c.open) item.appendChild(writeBackForm(c, draft));
    if (c.canRate) item.appendChild(ratingBar(c));
    else if (c.rating) item.appendChild(el('p', 'case-rated', fill(t.rated, { n: c.rating })));
    return item;
  }

  function writeBackForm(c, draft) {
    const form = el('form', 'case-form write-back');
    const text = el('textarea');
    text.rows = 2;
    text.maxLength = 2000;
    text.dataset.number = c.number;
    text.value = draft || '';
    const send = button(t.writeBackSend, 'submit', 'case-button primary');
    const error = errorLine();
    form.append(field(t.writeBack, text), send, error);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!text.value.trim()) return;
      send.disabled = true;
      try {
        await call('POST', `/api/cases/${encodeURIComponent(c.number)}/messages`, { text: text.value });
        text.value = '';
        await loadCases();
      } catch (err) {
        showError(error, err.message);
        send.disabled = false;
      }
    });
    return form;
  }

  function ratingBar(c) {
    const bar = el('div', 'case-rating');
    bar.appendChild(el('p', '', t.rateQuestion));
    const error = errorLine();
    for (let n = 1; n <= 5; n++) {
      const star = button(`${n} ⭐`, 'button', 'case-button rate');
      star.dataset.rating = String(n);
      star.addEventListener('click', async () => {
        for (const b of bar.querySelectorAll('button')) b.disabled = true;
        try {
          await call('POST', `/api/cases/${encodeURIComponent(c.number)}/rating`, { rating: n });
          await loadCases();
        } catch (err) {
          showError(error, err.message);
        }
      });
      bar.appendChild(star);
    }
    bar.appendChild(error);
    return bar;
  }

  // ── Start ──────────────────────────────────────────────────────────────────────────────────────

  async function fetchSetup() {
    const response = await fetch('/api/cases/setup', { credentials: 'same-origin' });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  async function start() {
    try {
      setup = await fetchSetup();
      // A first visit gets its cookie now; if the next request still comes without it, the browser
      // refuses cookies here (an embed in another site's page) and the case buttons open a tab.
      if (!setup.remembered) setup = await fetchSetup();
    } catch (_) {
      return; // No cases on this server: the chat stays a chat.
    }
    t = setup.texts;
    blocked = !setup.remembered;
    reportButton.textContent = t.report;
    casesButton.textContent = t.myCases;
    reportButton.hidden = false;
    casesButton.hidden = false;
    reportButton.addEventListener('click', openReport);
    casesButton.addEventListener('click', () => (panel.hidden ? openPanel() : closePanel()));
    if (blocked) return;
    // What this browser already sent is the baseline; only later changes mark the button.
    try {
      for (const c of (await call('GET', '/api/cases')).cases) seen.set(c.number, stateOf(c));
    } catch (_) {
      /* no baseline: the first look sets it */
    }
    setInterval(lookForNews, NEWS_MS);
    document.addEventListener('visibilitychange', lookForNews);
  }

  start();
})();
