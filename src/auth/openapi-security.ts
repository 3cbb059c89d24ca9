import type { OpenAPIObject } from '@nestjs/swagger';
import { SESSION_COOKIE } from './session-cookie.js';

/**
 * The two ways to sign a request, as the OpenAPI document names them. The guard is global and takes either
 * credential on every route, so every operation that asks for the bearer token also takes the cookie.
 */
export function documentStaffAuth(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.securitySchemes = {
    ...document.components.securitySchemes,
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description:
        'An opaque token (not a JWT): a login session from POST /auth/login (`vs_s_…`) or an API key (`vs_k_…`)',
    },
    cookie: {
      type: 'apiKey',
      in: 'cookie',
      name: SESSION_COOKIE,
      description:
        'The browser session set by POST /auth/login with `session: "cookie"`; a POST, PUT, PATCH or DELETE ' +
        "signed by it must come from the service's own origin",
    },
  };
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations as Record<string, { security?: object[] }>)) {
      const security = operation?.security;
      if (security?.some((s) => 'bearer' in s) && !security.some((s) => 'cookie' in s)) {
        security.push({ cookie: [] });
      }
    }
  }
  return document;
}
