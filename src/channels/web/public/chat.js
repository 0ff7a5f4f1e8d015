// The web chat page. Every string comes from GET /api/info (src/texts/web.ts), and every piece of
// text from the server is set with textContent, never parsed as HTML.

(() => {
  const STORAGE_KEY = 'civicbot.conversationId';
  const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

  const messages = document.getElementById('messages');
  const form = document.getElementById('ask-form');
  const input = document.getElementById('question');
  const send = document.getElementById('send');
  const newConversation = document.getElementById('new-conversation');
  let texts;

  function randomId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // Private browsing can forbid localStorage; the chat then keeps its id for this page only.
  let memoryId;
  function conversationId() {
    let id;
    try {
      id = localStorage.getItem(STORAGE_KEY);
    } catch (_) {
      id = memoryId;
    }
    if (id && ID_PATTERN.test(id)) return id;
    return resetConversationId();
  }

  function resetConversationId() {
    memoryId = randomId();
    try {
      localStorage.setItem(STORAGE_KEY, memoryId);
    } catch (_) {
      /* kept in memory */
    }
    return memoryId;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function postJson(url, body) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error((data && data.error && data.error.message) || texts.error);
    return data;
  }

  function addMessage(kind, text) {
    const article = el('article', 'msg msg-' + kind);
    article.setAttribute('aria-label', kind === 'user' ? texts.you : texts.bot);
    article.appendChild(el('p', 'text', text));
    messages.appendChild(article);
    messages.scrollTop = messages.scrollHeight;
    return article;
  }

  function formatDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    return m ? m[3] + '/' + m[2] + '/' + m[1] : iso;
  }

  function citationLabel(c) {
    const parts = [c.title];
    if (c.number) parts.push(texts.number + ' ' + c.number);
    if (c.issuer) parts.push(texts.issuer + ' ' + c.issuer);
    if (c.author) parts.push(texts.author + ' ' + c.author);
    parts.push(c.issued ? formatDate(c.issued) : texts.undated);
    if (c.section) parts.push(c.section);
    if (c.page) parts.push(texts.page + ' ' + c.page);
    // Provenance in words when there is no address to link to.
    const where = !c.sourceUrl && c.source ? ' — ' + texts.sourceLabel + ' ' + c.source : '';
    return '[' + c.n + '] ' + parts.join(', ') + where;
  }

  function isWebLink(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === 'https:' || parsed.protocol === 'http:';
    } catch (_) {
      return false;
    }
  }

  function renderSources(article, citations) {
    const box = el('div', 'sources');
    box.appendChild(el('h2', '', texts.sources));
    const list = el('ol');
    for (const c of citations) {
      const item = el('li', 'source');
      const details = el('details');
      details.appendChild(el('summary', '', citationLabel(c)));
      if (c.quote) details.appendChild(el('blockquote', '', c.quote));
      if (c.sourceUrl && isWebLink(c.sourceUrl)) {
        const link = el('a', '', texts.openSource);
        link.href = c.sourceUrl;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        details.appendChild(link);
      }
      item.appendChild(details);
      list.appendChild(item);
    }
    box.appendChild(list);
    article.appendChild(box);
  }

  function renderFeedback(article, questionId, id) {
    const bar = el('div', 'feedback');
    const vote = async (value) => {
      bar.replaceChildren(el('span', '', value === 'up' ? texts.thanks : texts.thanksDown));
      try {
        await postJson('/api/feedback', { questionId, conversationId: id, vote: value });
        if (value === 'down') bar.appendChild(reasonForm());
      } catch (err) {
        bar.replaceChildren(el('span', 'error', err.message));
      }
    };
    // After a 👎, a short reason for the staff who review it (optional; the vote already counts).
    const reasonForm = () => {
      const form = el('form', 'reason');
      const label = el('label', '', texts.reasonPrompt);
      const input = el('input');
      input.maxLength = 300;
      input.placeholder = texts.reasonPlaceholder;
      label.appendChild(input);
      const submit = el('button', '', texts.reasonSend);
      submit.type = 'submit';
      form.append(label, submit);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const comment = input.value.trim();
        if (!comment) return;
        try {
          await postJson('/api/feedback', { questionId, conversationId: id, vote: 'down', comment });
          form.replaceWith(el('span', '', texts.reasonThanks));
        } catch (err) {
          form.replaceWith(el('span', 'error', err.message));
        }
      });
      return form;
    };
    for (const [value, icon, label] of [
      ['up', '👍', texts.helpful],
      ['down', '👎', texts.notHelpful],
    ]) {
      const button = el('button', 'vote-' + value, icon);
      button.type = 'button';
      button.title = label;
      button.setAttribute('aria-label', label);
      button.addEventListener('click', () => vote(value));
      bar.appendChild(button);
    }
    article.appendChild(bar);
  }

  async function ask(question) {
    addMessage('user', question);
    const reply = addMessage('bot', texts.thinking);
    reply.classList.add('pending');
    const id = conversationId();
    try {
      const data = await postJson('/api/ask', { question, conversationId: id });
      reply.querySelector('.text').textContent = data.answer;
      if (data.citations && data.citations.length) renderSources(reply, data.citations);
      if (data.questionId) renderFeedback(reply, data.questionId, data.conversationId || id);
      // cases.js offers "Gặp cán bộ" under an answer the documents could not give.
      document.dispatchEvent(
        new CustomEvent('civicbot:answer', { detail: { question, status: data.status, action: data.action, article: reply } }),
      );
    } catch (err) {
      reply.classList.add('failed');
      reply.querySelector('.text').textContent = err.message || texts.error;
    } finally {
      reply.classList.remove('pending');
      messages.scrollTop = messages.scrollHeight;
    }
  }

  function setBusy(busy) {
    input.disabled = busy;
    send.disabled = busy;
    if (!busy) input.focus();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question) return;
    input.value = '';
    setBusy(true);
    await ask(question);
    setBusy(false);
  });

  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  newConversation.addEventListener('click', () => {
    resetConversationId();
    for (const node of messages.querySelectorAll('.msg')) node.remove();
    input.focus();
  });

  async function start() {
    try {
      const response = await fetch('/api/info');
      if (!response.ok) throw new Error(String(response.status));
      const info = await response.json();
      texts = info.texts;
    } catch (_) {
      document.getElementById('offline').hidden = false;
      return;
    }
    document.title = texts.title;
    document.getElementById('title').textContent = texts.title;
    document.getElementById('intro').textContent = texts.intro;
    document.getElementById('example').textContent = texts.example;
    document.getElementById('question-label').textContent = texts.placeholder;
    newConversation.textContent = texts.newConversation;
    newConversation.hidden = false;
    input.placeholder = texts.placeholder;
    send.textContent = texts.send;
    setBusy(false);
  }

  start();
})();
