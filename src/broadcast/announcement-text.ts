// How staff write an announcement as plain text, wherever they write it (a Telegram or Zalo
// message, the CLI's Markdown file): the first line is the title, the rest is the body.

/**
 * Splits a written announcement into title and body. Line endings are normalised, a Markdown
 * heading mark ("# ") on the first line is dropped, and both parts are trimmed; either may be ''
 * (callers report what is missing in their own words).
 */
export function splitTitleBody(text: string): { title: string; body: string } {
  const [first = '', ...rest] = text.replace(/\r\n?/g, '\n').trim().split('\n');
  return { title: first.replace(/^#{1,6}\s+/, '').trim(), body: rest.join('\n').trim() };
}
