// Embeds the chat in any page: <script src="https://bot.example.vn/widget.js" defer></script>
// adds a floating button that opens the chat in an iframe served by the same host.
// Optional attributes on the script tag: data-label (button name), data-color (button colour).

(() => {
  const script = document.currentScript;
  if (!script || !script.src) return;
  const origin = new URL(script.src).origin;
  const label = script.getAttribute('data-label') || 'Hỏi đáp';
  const color = script.getAttribute('data-color') || '#b3261e';

  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = '💬';
  button.title = label;
  button.setAttribute('aria-label', label);
  button.setAttribute('aria-expanded', 'false');
  Object.assign(button.style, {
    position: 'fixed',
    right: '20px',
    bottom: '20px',
    zIndex: '2147483646',
    width: '56px',
    height: '56px',
    borderRadius: '50%',
    border: '0',
    background: color,
    color: '#fff',
    fontSize: '26px',
    cursor: 'pointer',
    boxShadow: '0 4px 14px rgba(0,0,0,0.25)',
  });

  let frame;
  function toggle() {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.src = origin + '/';
      frame.title = label;
      Object.assign(frame.style, {
        position: 'fixed',
        right: '20px',
        bottom: '88px',
        zIndex: '2147483647',
        width: 'min(400px, calc(100vw - 40px))',
        height: 'min(600px, calc(100vh - 120px))',
        border: '1px solid #ddd',
        borderRadius: '12px',
        background: '#fff',
        boxShadow: '0 8px 28px rgba(0,0,0,0.25)',
      });
      document.body.appendChild(frame);
    } else {
      frame.hidden = !frame.hidden;
    }
    button.setAttribute('aria-expanded', String(!frame.hidden));
  }

  button.addEventListener('click', toggle);
  const mount = () => document.body.appendChild(button);
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
