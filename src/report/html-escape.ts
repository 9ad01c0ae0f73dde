// Every text that reaches the report goes through here: step output, errors and host names come from
// the cloud and are untrusted, and a report is opened in a browser.

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for an HTML element or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c).replace(CONTROL, controlPicture);
}

// C0 controls other than tab, newline and carriage return (and DEL) are not allowed in HTML text; shown
// as their Unicode control pictures (ESC as ␛) so an ANSI-colored log stays readable and harmless.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

function controlPicture(c: string): string {
  const code = c.charCodeAt(0);
  return String.fromCharCode(code === 0x7f ? 0x2421 : 0x2400 + code);
}
