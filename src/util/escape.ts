// Text placed into HTML or SVG markup (a page's first paint, a drawing's labels): the five
// characters that could end a text node or an attribute, as entities.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeMarkup(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** The same escape as page code (`esc`), for the scripts the web pages ship: one table of entities. */
export const PAGE_ESC_JS = `const esc = (s) => String(s).replace(/[&<>"']/g, (c) => (${JSON.stringify(ENTITIES)})[c]);`;
