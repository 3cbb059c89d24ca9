import { createHash } from 'node:crypto';
import { escapeHtml as e } from '../templates/placeholders.js';
import { fill, purposeName, type PageLanguage, type Strings } from '../common/strings.js';

/** The pages' only styling. Inline, so a page is one request; the Content-Security-Policy allows it by its hash. */
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#222}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.3rem;background:#b1003e;color:#fff}
label{display:block;margin:.5rem 0}input[type=text],input[type=email],input[type=tel]{width:100%;padding:.4rem;font:inherit}
fieldset{border:1px solid #ccc;margin:1rem 0}.problem{color:#b1003e}`;

/** The CSP source that allows the pages' style and nothing else inline: `'sha256-…'`. */
export const PAGE_STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** A plain page that works on a phone and without JavaScript. */
export function page(language: PageLanguage, title: string, body: string): string {
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head><body><h1>${e(title)}</h1>
${body}
</body></html>`;
}

const list = (t: Strings, purposes: string[]) =>
  `<ul>${purposes.map((p) => `<li>${e(purposeName(t, p))}</li>`).join('')}</ul>`;

export const invalidLinkPage = (language: PageLanguage, t: Strings) =>
  page(language, t.invalidTitle, `<p>${e(t.invalidBody)}</p>`);

export const tooManyPage = (language: PageLanguage, t: Strings) =>
  page(language, t.tooManyTitle, `<p>${e(t.tooManyBody)}</p>`);

/** The one button of a page that changes something: a POST to the page's own address. */
const button = (action: string, label: string) =>
  `<form method="post" action="${e(action)}"><input type="hidden" name="confirm" value="yes">
<button type="submit">${e(label)}</button></form>`;

/** What the link would confirm, and the button that does it: a link opened by a mail scanner confirms nothing. */
export const confirmPage = (
  language: PageLanguage,
  t: Strings,
  channel: 'email' | 'sms',
  purposes: string[],
  action: string,
) =>
  page(
    language,
    t.confirmTitle,
    purposes.length
      ? `<p>${e(fill(t.confirmBody, { channel: t.channels[channel] }))}</p>${list(t, purposes)}
${button(action, t.confirmButton)}`
      : `<p>${e(t.confirmNothing)}</p>`,
  );

export const confirmedPage = (language: PageLanguage, t: Strings, purposes: string[], preferences: string) =>
  page(
    language,
    t.confirmedTitle,
    (purposes.length ? `<p>${e(t.confirmedBody)}</p>${list(t, purposes)}` : `<p>${e(t.confirmNothing)}</p>`) +
      `<p><a href="${e(preferences)}">${e(t.manage)}</a></p>`,
  );

export const unsubscribePage = (
  language: PageLanguage,
  t: Strings,
  channel: 'email' | 'sms',
  purposes: string[],
  action: string,
) =>
  page(
    language,
    t.unsubscribeTitle,
    `<p>${e(t.unsubscribeBody)} <strong>${e(t.channels[channel])}</strong></p>${list(t, purposes)}
${button(action, t.unsubscribeButton)}`,
  );

export const unsubscribedPage = (
  language: PageLanguage,
  t: Strings,
  purposes: string[],
  preferences: string,
) =>
  page(
    language,
    t.unsubscribedTitle,
    `<p>${e(t.unsubscribedBody)}</p>${list(t, purposes)}<p><a href="${e(preferences)}">${e(t.manage)}</a></p>`,
  );

/** An opt-out link opened again: nothing it names is still given, so the page says so and has no button. */
export const alreadyUnsubscribedPage = (
  language: PageLanguage,
  t: Strings,
  channel: 'email' | 'sms',
  purposes: string[],
  preferences: string,
) =>
  page(
    language,
    t.alreadyUnsubscribedTitle,
    `<p>${e(fill(t.alreadyUnsubscribedBody, { channel: t.channels[channel] }))}</p>${list(t, purposes)}
<p><a href="${e(preferences)}">${e(t.manage)}</a></p>`,
  );

export interface PreferenceRow {
  channel: 'email' | 'sms';
  purpose: string;
  /** Ticked: the person's confirmed consent, and nothing else. */
  on: boolean;
  /** Asked for and not yet confirmed: shown unticked, with a word saying so. */
  pending: boolean;
}

export const preferencesPage = (
  language: PageLanguage,
  t: Strings,
  rows: PreferenceRow[],
  languages: readonly string[],
  action: string,
  saved: boolean,
  consentText: string,
  textVersion: string,
) =>
  page(
    language,
    t.preferencesTitle,
    `${saved ? `<p><strong>${e(t.preferencesSaved)}</strong></p>` : ''}<p>${e(t.preferencesBody)}</p>
<form method="post" action="${e(action)}">
${(['email', 'sms'] as const)
  .map(
    (channel) =>
      `<fieldset><legend>${e(t.channels[channel])}</legend>${rows
        .filter((r) => r.channel === channel)
        .map(
          (r) =>
            `<label><input type="checkbox" name="${channel}:${e(r.purpose)}" value="on"${r.on ? ' checked' : ''}> ${e(purposeName(t, r.purpose))}${r.pending ? ` <small>(${e(t.preferencesPending)})</small>` : ''}</label>`,
        )
        .join('')}</fieldset>`,
  )
  .join('\n')}
<label>${e(t.language)} <select name="language">${languages
      .map((l) => `<option value="${e(l)}"${l === language ? ' selected' : ''}>${e(l)}</option>`)
      .join('')}</select></label>
<p><small>${e(consentText)} (${e(textVersion)})</small></p>
<button type="submit">${e(t.save)}</button></form>`,
  );

export const signupPage = (
  language: PageLanguage,
  t: Strings,
  purposes: string[],
  consentText: string,
  textVersion: string,
  problems: string[] = [],
  values: Record<string, string> = {},
) =>
  page(
    language,
    t.signupTitle,
    `<p>${e(t.signupBody)}</p>
${problems.length ? `<div class="problem"><p>${e(t.signupProblem)}</p><ul>${problems.map((p) => `<li>${e(p)}</li>`).join('')}</ul></div>` : ''}
<form method="post" action="?lang=${language}">
<input type="hidden" name="language" value="${language}"><input type="hidden" name="textVersion" value="${e(textVersion)}">
${(
  [
    ['firstName', t.firstName, 'text'],
    ['lastName', t.lastName, 'text'],
    ['email', t.email, 'email'],
    ['phone', t.phone, 'tel'],
    ['postalCode', t.postalCode, 'text'],
  ] as const
)
  .map(
    ([name, label, type]) =>
      `<label>${e(label)} <input type="${type}" name="${name}" value="${e(values[name] ?? '')}"></label>`,
  )
  .join('\n')}
<fieldset>${purposes
      .map(
        (p) =>
          `<label><input type="checkbox" name="purposes" value="${e(p)}"${values[`purpose:${p}`] ? ' checked' : ''}> ${e(purposeName(t, p))}</label>`,
      )
      .join('')}</fieldset>
<p><small>${e(consentText)} (${e(textVersion)})</small></p>
<button type="submit">${e(t.signupButton)}</button></form>`,
  );

export const signupDonePage = (language: PageLanguage, t: Strings) =>
  page(language, t.signupDoneTitle, `<p>${e(t.signupDoneBody)}</p>`);
