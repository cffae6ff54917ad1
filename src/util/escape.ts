// Text placed into HTML or SVG markup (a page's first paint, a drawing's labels): the five
// characters that could end a text node or an attribute, as entities.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeMarkup(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
