/** The methods that change something: a session cookie alone may authorise them only from the service's own pages. */
export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `scheme://host[:port]` of an http(s) URL, or null for anything else (including the opaque origin `null`). */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** What a browser says about where a request comes from; page scripts can set none of these headers. */
export interface RequestSource {
  /** `Sec-Fetch-Site`: same-origin, same-site, cross-site or none. */
  fetchSite?: string;
  origin?: string;
  referer?: string;
}

/**
 * Why a cookie-signed change cannot be taken to come from the service's own pages, or null when it can. `own` are
 * the origins the service answers at. Every header present must say "from here", and one must be present.
 * Browsers send `Sec-Fetch-Site` with every request (Chromium since 2019, Firefox since 2021, Safari since 2023) and
 * `Origin` with every cross-origin request and every same-origin one that is not a GET (one started with web
 * security turned off, as test browsers often are, leaves `Origin` out); older ones at least a `Referer`, which the
 * service's pages ask to be sent to itself. A request with none of them did not come from the web app, whose
 * scripts it would have to be: a script of our own has a bearer token.
 */
export function foreignRequest(source: RequestSource, own: readonly string[]): string | null {
  const { fetchSite, origin, referer } = source;
  if (fetchSite !== undefined && fetchSite !== 'same-origin') return `the browser calls it ${fetchSite}`;
  if (origin !== undefined && !own.includes(originOf(origin) ?? '')) return `it comes from ${origin}`;
  if (referer && !own.includes(originOf(referer) ?? '')) return 'its Referer is another site';
  if (fetchSite === undefined && origin === undefined && !referer) {
    return 'it names no Sec-Fetch-Site, Origin or Referer';
  }
  return null;
}
