const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A rendered email's HTML as a document of its own, for a sandboxed frame. */
export const emailDocument = (subject: string, html: string, language: string) =>
  `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>` +
  `<body style="font-family: system-ui, sans-serif; color: #1a1a1a; background: #ffffff; margin: 1rem">${html}</body></html>`;
