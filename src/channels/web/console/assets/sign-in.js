// The sign-in form: a CSRF token first (the session it lives in starts here), then the name and
// password; on success the console itself.

(() => {
  const T = JSON.parse(document.getElementById('texts').textContent);
  const form = document.getElementById('sign-in');
  const button = document.getElementById('submit');
  const message = document.getElementById('message');
  let csrf = '';

  const show = (text) => {
    message.textContent = text;
    message.hidden = !text;
  };

  fetch('/quan-tri/api/session', { credentials: 'same-origin' })
    .then((r) => r.json())
    .then((s) => {
      if (s.user) location.replace('/quan-tri/');
      csrf = s.csrfToken;
      button.disabled = false;
    })
    .catch(() => show(T.error));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    show('');
    button.disabled = true;
    button.textContent = T.signingIn;
    try {
      const r = await fetch('/quan-tri/api/sign-in', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ name: form.name.value, password: form.password.value }),
      });
      if (r.ok) {
        location.replace('/quan-tri/');
        return;
      }
      const body = await r.json().catch(() => ({}));
      show(body.error?.message || T.error);
      form.password.value = '';
      form.password.focus();
    } catch {
      show(T.error);
    }
    button.disabled = false;
    button.textContent = T.signIn;
  });
})();
