import { Ajv, type ValidateFunction } from 'ajv';
import { generate } from 'otplib';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import { LinkService } from '../src/links/link.service.js';
import { DEFAULT_TEMPLATES } from '../src/templates/default-templates.js';
import { startTestApp, type TestApp } from './app.js';
import { startFakeTwilio, twilioEnv, twilioWebhook, type FakeTwilio } from './fake-twilio.js';
import { loadWaveData } from './waves.js';

/**
 * The OpenAPI document must describe what the service really answers: a browser client is generated from it.
 * Real answers of the running application are validated against the schema the document declares for their
 * operation, status and content type. A field the service returns but the document leaves out counts as an error
 * (objects are closed), as does a declared field that is missing, null where the document says it cannot be, or of
 * another type.
 */

/** Answered for real in their own suites (sessions, geometry); here only their description is checked. */
const ELSEWHERE = [/^\/auth\/(login|logout|me)$/, /^\/geometry(\/|$)/];
const ours = (path: string) => !ELSEWHERE.some((p) => p.test(path));

type Schema = Record<string, unknown>;
interface Operation {
  summary?: string;
  responses?: Record<
    string,
    { content?: Record<string, { schema?: Schema }>; headers?: Record<string, object> }
  >;
}
type Answer = Pick<Response, 'status' | 'headers' | 'body' | 'text'>;
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Method = (typeof METHODS)[number];

/**
 * OpenAPI 3.0 schema → JSON Schema for ajv: `nullable: true` becomes a type that admits null, and an object with
 * declared properties admits no others. Examples and enums are values, not schemas, and are kept as they are.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === 'example' || key === 'enum' || key === 'default' ? value : toJsonSchema(value);
  }
  if (typeof out.$ref === 'string' && out.$ref.startsWith('#/')) out.$ref = `openapi.json${out.$ref}`;
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string' && !out.allOf && !out.oneOf && !out.anyOf) {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}

/** Checks answers against one document. */
class ResponseValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly doc: OpenApi) {
    addFormats.default(this.ajv);
    // Component schemas refer to each other as #/components/schemas/X: under this id those references resolve.
    this.ajv.addSchema({
      $id: 'openapi.json',
      components: { schemas: toJsonSchema(doc.components.schemas) },
    });
  }

  /** What is wrong with this answer to `method path` (a path as the document writes it); empty if nothing. */
  problems(method: Method, path: string, res: Answer): string[] {
    const operation = this.doc.paths[path]?.[method];
    if (!operation) return [`${method.toUpperCase()} ${path} is not in the document`];
    const declared = operation.responses?.[String(res.status)];
    if (!declared) return [`${method.toUpperCase()} ${path} answered ${res.status}, which is not declared`];
    const type = String(res.headers['content-type'] ?? '').split(';')[0];
    if (res.status === 204 || !type) {
      return declared.content ? [`${res.status} declares content, but the answer has none`] : [];
    }
    const media = declared.content?.[type];
    if (!media) {
      return [`${res.status} answered ${type}; declared: ${Object.keys(declared.content ?? {}).join(', ')}`];
    }
    if (!media.schema) return [`${res.status} ${type} has no schema`];
    const body: unknown = type === 'application/json' ? res.body : res.text;
    return this.check(`${method} ${path} ${res.status} ${type}`, media.schema, body);
  }

  /** Validates `body` against a schema of the document. */
  check(key: string, schema: Schema, body: unknown): string[] {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as Schema);
      this.compiled.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${key}: ${e.instancePath || '(body)'} ${e.message ?? ''}${
          e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''
        }`,
    );
  }
}

describe('the OpenAPI document against real answers', () => {
  let t: TestApp;
  let sms: FakeTwilio;
  let doc: OpenApi;
  let validator: ResponseValidator;
  /** `METHOD path` of every operation answered with a 2xx and validated. */
  const validated = new Set<string>();
  /** What the answers of the current test got wrong, all of them (a scenario goes on after a bad answer). */
  const mismatches: string[] = [];
  const as = (role: 'admin' | 'staff' | 'strategist') => t.as(role);

  beforeAll(async () => {
    sms = await startFakeTwilio();
    // Low enough that the email wave over the segments needs an approval, the SMS wave not. Admins sign in with a
    // second factor, as by default (the test's admin is enrolled as it signs in).
    t = await startTestApp({
      ...twilioEnv(sms),
      FREQUENCY_CAP: 'off',
      APPROVAL_THRESHOLD: '20',
      MFA_REQUIRED_ROLES: 'admin',
    });
    await loadWaveData(t, 60);
    const served = await t.http().get('/docs/openapi.json');
    doc = (served.status === 200 ? served : await t.http().get('/docs-json').expect(200)).body as OpenApi;
    validator = new ResponseValidator(doc);
  });
  afterAll(async () => {
    await t.close();
    await sms.close();
  });
  afterEach(() => {
    expect(mismatches.splice(0)).toEqual([]);
  });

  /**
   * Makes a request, expects `status` (so each scenario is what it says), and validates the answer against the
   * document. `path` is the operation's path as the document writes it; `url` the one requested.
   */
  async function call(
    method: Method,
    path: string,
    options: {
      url?: string;
      as?: 'admin' | 'staff' | 'strategist';
      /** Another bearer token (a user's own login session). */
      bearer?: string;
      body?: object;
      form?: Record<string, string>;
      /** A body sent as it is, as JSON. */
      raw?: string;
      /** A multipart upload: its fields and the file. */
      upload?: { fields: Record<string, string>; file: string | Buffer; name: string };
      status: number;
    },
  ): Promise<Response> {
    let req = t.http()[method](options.url ?? path);
    if (options.as) req = req.set(as(options.as));
    if (options.bearer) req = req.set('Authorization', `Bearer ${options.bearer}`);
    if (options.upload) {
      for (const [k, v] of Object.entries(options.upload.fields)) req = req.field(k, v);
      req = req.attach('file', options.upload.file, options.upload.name);
    } else if (options.form) req = req.type('form').send(options.form);
    else if (options.raw !== undefined) req = req.type('json').send(options.raw);
    else if (options.body) req = req.send(options.body);
    const res = await req;
    expect({ status: res.status, body: res.status === options.status ? 'as expected' : res.body }).toEqual({
      status: options.status,
      body: 'as expected',
    });
    const problems = validator.problems(method, path, res);
    mismatches.push(...problems);
    if (res.status < 400 && problems.length === 0) validated.add(`${method.toUpperCase()} ${path}`);
    return res;
  }

  let runId: string;
  let otherRunId: string;
  let segmentIds: string[];
  let contactId: string;

  it('health', async () => {
    await call('get', '/health', { status: 200 });
  });

  it('the configuration the web app reads', async () => {
    await call('get', '/config', { as: 'staff', status: 200 });
    await call('get', '/config', { status: 401 });
  });

  it('regions, features, region sets and imports', async () => {
    const regions = (await call('get', '/regions', { as: 'strategist', status: 200 })).body as {
      items: { id: string }[];
    };
    await call('get', '/regions/{id}', { url: `/regions/${regions.items[0].id}`, as: 'staff', status: 200 });
    await call('get', '/features', { as: 'strategist', status: 200 });
    const sets = (await call('get', '/region-sets', { as: 'strategist', status: 200 })).body as {
      key: string;
    }[];
    const set = sets.find((s) => s.key.startsWith('constituency'))!.key;
    const query = `set=${encodeURIComponent(set)}&feature=density_per_km2`;
    await call('get', '/region-sets/values', {
      url: `/region-sets/values?${query}`,
      as: 'staff',
      status: 200,
    });
    await call('get', '/region-sets/compare', {
      url: `/region-sets/compare?from=${encodeURIComponent(set)}&to=${encodeURIComponent(set)}&feature=density_per_km2`,
      as: 'strategist',
      status: 200,
    });
    await call('put', '/region-sets/current', { as: 'strategist', body: { set }, status: 200 });
    await call('get', '/region-sets/values', {
      url: '/region-sets/values?set=constituency/1990&feature=density_per_km2',
      as: 'staff',
      status: 404,
    });
    const jobs = (await call('get', '/imports', { as: 'staff', status: 200 })).body as {
      items: { id: string }[];
    };
    await call('get', '/imports/{id}', { url: `/imports/${jobs.items[0].id}`, as: 'staff', status: 200 });
  });

  it('segmentation runs, segments and matches', async () => {
    const run = (
      await call('post', '/segmentations', { as: 'strategist', body: { k: '3', seed: 1 }, status: 201 })
    ).body as { id: string; segments: { id: string }[] };
    runId = run.id;
    segmentIds = run.segments.map((s) => s.id);
    otherRunId = (
      await call('post', '/segmentations', { as: 'strategist', body: { k: '2-4', seed: 2 }, status: 201 })
    ).body.id;
    // Four segments against three: some regions must have moved.
    const finer = (
      await call('post', '/segmentations', { as: 'strategist', body: { k: '4', seed: 3 }, status: 201 })
    ).body.id as string;
    await call('get', '/segmentations', { as: 'staff', status: 200 });
    const presets = await call('get', '/segmentations/presets', { as: 'staff', status: 200 });
    expect(presets.body.presets.find((p: { default: boolean }) => p.default).key).toBe('overview');
    await call('get', '/segmentations/{id}', { url: `/segmentations/${runId}`, as: 'staff', status: 200 });
    await call('get', '/segmentations/{id}/profile', {
      url: `/segmentations/${runId}/profile`,
      as: 'staff',
      status: 200,
    });
    await call('get', '/segmentations/{id}/compare/{otherId}', {
      url: `/segmentations/${runId}/compare/${otherRunId}`,
      as: 'staff',
      status: 200,
    });
    const compared = await call('get', '/segmentations/{id}/compare/{otherId}', {
      url: `/segmentations/${runId}/compare/${finer}`,
      as: 'staff',
      status: 200,
    });
    expect(compared.body.moved.length).toBeGreaterThan(0);
    await call('patch', '/segments/{id}', {
      url: `/segments/${segmentIds[0]}`,
      as: 'strategist',
      body: { name: 'Innenstadt', notes: 'dense, young' },
      status: 200,
    });
    const matrix = (
      await call('get', '/segmentations/{id}/matches', {
        url: `/segmentations/${runId}/matches`,
        as: 'staff',
        status: 200,
      })
    ).body as { segments: { segmentId: string; proposed: string | null; ranked: { template: string }[] }[] };
    for (const s of matrix.segments) {
      await call('put', '/segmentations/{id}/matches/{segmentId}', {
        url: `/segmentations/${runId}/matches/${s.segmentId}`,
        as: 'strategist',
        body: { templateKey: s.proposed ?? s.ranked[0].template },
        status: 200,
      });
    }
    // The matrix again, now with decisions.
    await call('get', '/segmentations/{id}/matches', {
      url: `/segmentations/${runId}/matches`,
      as: 'staff',
      status: 200,
    });
    await call('post', '/segmentations', {
      as: 'strategist',
      body: { features: ['no_such_feature'] },
      status: 400,
    });
    await call('post', '/segmentations', { as: 'strategist', body: { k: 3 }, status: 422 });
    await call('get', '/segmentations/{id}', { url: '/segmentations/not-a-uuid', as: 'staff', status: 400 });
    await call('get', '/segmentations/{id}', {
      url: '/segmentations/00000000-0000-4000-8000-000000000000',
      as: 'staff',
      status: 404,
    });
    await call('patch', '/segments/{id}', {
      url: `/segments/${segmentIds[0]}`,
      as: 'staff',
      body: { name: 'x' },
      status: 403,
    });
  });

  it('templates', async () => {
    await call('get', '/templates', { as: 'staff', status: 200 });
    await call('get', '/templates/{key}', { url: '/templates/peace', as: 'staff', status: 200 });
    await call('get', '/templates/{key}/versions', {
      url: '/templates/peace/versions',
      as: 'staff',
      status: 200,
    });
    const { key: _key, ...transit } = DEFAULT_TEMPLATES.find((d) => d.key === 'transit')!;
    const body = { ...transit, weights: { density_per_km2: 0.4, unemployment_pct: -0.2 } };
    await call('post', '/templates', { as: 'strategist', body: { ...body, key: 'buses' }, status: 201 });
    await call('post', '/templates', { as: 'strategist', body: { ...body, key: 'buses' }, status: 409 });
    await call('put', '/templates/{key}', {
      url: '/templates/buses',
      as: 'strategist',
      body: { ...body, reasoning: 'Commuters in the outer districts depend on the buses.' },
      status: 200,
    });
    await call('get', '/templates/{key}/versions', {
      url: '/templates/buses/versions',
      as: 'staff',
      status: 200,
    });
    await call('post', '/templates/preview', {
      as: 'staff',
      body: { ...body, key: 'buses-reminder', context: 'event' },
      status: 200,
    });
    await call('post', '/templates/preview', { as: 'strategist', body: { content: [] }, status: 422 });
    await call('post', '/templates', {
      as: 'strategist',
      body: { ...body, key: 'trams', content: { de: body.content.de } },
      status: 400,
    });
    await call('get', '/templates/{key}', { url: '/templates/no-such', as: 'staff', status: 404 });
    // A body that is not JSON at all gets the same error shape.
    await call('post', '/templates', { as: 'strategist', raw: '{"key": "trams",', status: 400 });
  });

  it('contacts', async () => {
    const page = (await call('get', '/contacts', { url: '/contacts?perPage=5', as: 'staff', status: 200 }))
      .body;
    contactId = (page as { items: { id: string }[] }).items[0].id;
    await call('get', '/contacts', {
      url: `/contacts?segmentId=${segmentIds[0]}&consent=confirmed&page=2&perPage=3`,
      as: 'staff',
      status: 200,
    });
    await call('get', '/contacts', { url: '/contacts?perPage=9999', as: 'staff', status: 422 });
    await call('get', '/contacts', { status: 401 });
    await call('get', '/contacts', { as: 'strategist', status: 403 });
  });

  it('waves and events', async () => {
    const approved = (
      await call('post', '/waves', {
        as: 'staff',
        body: {
          name: 'Herbst',
          channel: 'email',
          purpose: 'campaign-news',
          audience: { runId, segmentIds },
          templateStrategy: 'approved',
        },
        status: 201,
      })
    ).body.id as string;
    await call('patch', '/waves/{id}', {
      url: `/waves/${approved}`,
      as: 'staff',
      body: { name: 'Herbstaufruf' },
      status: 200,
    });
    await call('patch', '/waves/{id}', {
      url: `/waves/${approved}`,
      as: 'staff',
      body: { templateStrategy: 'fixed' },
      status: 400,
    });
    await call('patch', '/waves/{id}', {
      url: `/waves/${approved}`,
      as: 'staff',
      body: { name: null },
      status: 422,
    });
    const preview = await call('post', '/waves/{id}/preview', {
      url: `/waves/${approved}/preview`,
      as: 'staff',
      status: 200,
    });
    expect(preview.body.approval).toMatchObject({ threshold: 20, required: true, by: null });
    const key = (preview.body.templates as { template: string }[])[0].template;
    const uses = await call('get', '/templates/{key}/uses', {
      url: `/templates/${key}/uses`,
      as: 'staff',
      status: 200,
    });
    expect(uses.body.waves).toContainEqual(expect.objectContaining({ id: approved, olderVersion: false }));
    await call('get', '/templates/{key}/uses', { url: '/templates/no-such/uses', as: 'staff', status: 404 });
    await call('post', '/waves/{id}/launch', { url: `/waves/${approved}/launch`, as: 'staff', status: 409 });
    await call('post', '/waves/{id}/approve', {
      url: `/waves/${approved}/approve`,
      as: 'staff',
      body: { revision: 2 },
      status: 403,
    });
    await call('post', '/waves/{id}/approve', {
      url: `/waves/${approved}/approve`,
      as: 'strategist',
      body: { revision: 1 },
      status: 409,
    });
    await call('post', '/waves/{id}/approve', {
      url: `/waves/${approved}/approve`,
      as: 'strategist',
      body: { revision: 'zwei' },
      status: 422,
    });
    await call('post', '/waves/{id}/approve', {
      url: `/waves/${approved}/approve`,
      as: 'strategist',
      body: { revision: 2 },
      status: 200,
    });
    await call('post', '/waves/{id}/launch', { url: `/waves/${approved}/launch`, as: 'staff', status: 200 });
    await call('post', '/waves/{id}/launch', { url: `/waves/${approved}/launch`, as: 'staff', status: 409 });
    await call('post', '/waves/{id}/approve', {
      url: `/waves/${approved}/approve`,
      as: 'admin',
      body: { revision: 2 },
      status: 409,
    });
    await call('patch', '/waves/{id}', {
      url: `/waves/${approved}`,
      as: 'staff',
      body: { name: 'x' },
      status: 409,
    });
    await call('get', '/waves/{id}', { url: `/waves/${approved}`, as: 'strategist', status: 200 });
    await call('get', '/waves/{id}/progress', {
      url: `/waves/${approved}/progress`,
      as: 'strategist',
      status: 200,
    });
    await call('get', '/waves/{id}/results', {
      url: `/waves/${approved}/results`,
      as: 'strategist',
      status: 200,
    });
    await call('get', '/waves/{id}/results.csv', {
      url: `/waves/${approved}/results.csv`,
      as: 'strategist',
      status: 200,
    });
    await call('get', '/segmentations/{id}/results', {
      url: `/segmentations/${runId}/results`,
      as: 'strategist',
      status: 200,
    });
    await call('get', '/segmentations/{id}/results', {
      url: `/segmentations/${approved}/results`,
      as: 'staff',
      status: 404,
    });
    const ledger = await call('get', '/waves/{id}/messages', {
      url: `/waves/${approved}/messages?perPage=10`,
      as: 'staff',
      status: 200,
    });
    expect(ledger.body.items).toHaveLength(10);

    const sms = (
      await call('post', '/waves', {
        as: 'staff',
        body: {
          name: 'Frieden per SMS',
          channel: 'sms',
          purpose: 'campaign-news',
          audience: { languages: ['de', 'en'] },
          templateStrategy: 'fixed',
          templateKey: 'peace',
          scheduledAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
        status: 201,
      })
    ).body.id as string;
    await call('post', '/waves/{id}/preview', { url: `/waves/${sms}/preview`, as: 'staff', status: 200 });
    await call('get', '/waves/{id}/progress', { url: `/waves/${sms}/progress`, as: 'staff', status: 200 });
    await call('post', '/waves/{id}/launch', { url: `/waves/${sms}/launch`, as: 'staff', status: 200 });
    await call('post', '/waves/{id}/pause', { url: `/waves/${sms}/pause`, as: 'staff', status: 200 });
    await call('post', '/waves/{id}/resume', { url: `/waves/${sms}/resume`, as: 'staff', status: 200 });
    await call('post', '/waves/{id}/cancel', { url: `/waves/${sms}/cancel`, as: 'staff', status: 200 });
    await call('post', '/waves/{id}/cancel', { url: `/waves/${sms}/cancel`, as: 'staff', status: 409 });
    await call('get', '/waves', { as: 'strategist', status: 200 });

    // A wave whose audience is empty still shows made-up samples.
    const nobody = (
      await call('post', '/waves', {
        as: 'staff',
        body: {
          name: 'Niemand',
          channel: 'email',
          purpose: 'campaign-news',
          audience: { languages: ['xx'] },
          templateStrategy: 'fixed',
          templateKey: 'peace',
        },
        status: 201,
      })
    ).body.id as string;
    await call('post', '/waves/{id}/preview', { url: `/waves/${nobody}/preview`, as: 'staff', status: 200 });

    await call('post', '/waves', {
      as: 'staff',
      body: { name: 'x', channel: 'email', purpose: 'nope', audience: {}, templateStrategy: 'approved' },
      status: 400,
    });
    await call('post', '/waves', { as: 'staff', body: { channel: 'pigeon' }, status: 422 });
    await call('get', '/waves/{id}', { url: '/waves/not-a-uuid', as: 'staff', status: 400 });
    await call('get', '/waves/{id}', {
      url: '/waves/00000000-0000-4000-8000-000000000000',
      as: 'staff',
      status: 404,
    });
    await call('get', '/waves/{id}/progress', {
      url: '/waves/00000000-0000-4000-8000-000000000000/progress',
      as: 'staff',
      status: 404,
    });

    const event = (
      await call('post', '/events', {
        as: 'staff',
        body: {
          name: 'Kundgebung am Marktplatz',
          startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
          place: 'Marktplatz',
          reminders: [{ offsetMinutes: 1440, channel: 'email', templateKey: 'housing-reminder' }],
        },
        status: 201,
      })
    ).body.id as string;
    await call('get', '/events', { as: 'strategist', status: 200 });
    await call('get', '/events/{id}', { url: `/events/${event}`, as: 'staff', status: 200 });
  });

  it('consent and privacy', async () => {
    await call('get', '/contacts/{id}/consent', {
      url: `/contacts/${contactId}/consent`,
      as: 'staff',
      status: 200,
    });
    await call('post', '/contacts/{id}/consent', {
      url: `/contacts/${contactId}/consent`,
      as: 'admin',
      body: {
        channel: 'sms',
        purposes: ['campaign-news'],
        action: 'confirmed',
        occurredAt: '2026-01-10T12:00:00Z',
        evidence: 'paper form, signed at the Leipzig rally',
      },
      status: 201,
    });
    await call('post', '/contacts/{id}/messages', {
      url: `/contacts/${contactId}/messages`,
      as: 'staff',
      body: { channel: 'email', purpose: 'campaign-news', template: 'peace' },
      status: 201,
    });
    await call('post', '/contacts/{id}/messages', {
      url: `/contacts/${contactId}/messages`,
      as: 'staff',
      body: { channel: 'email', purpose: 'election-day', template: 'peace' },
      status: 201,
    });
    await call('post', '/contacts/{id}/confirmation', {
      url: `/contacts/${contactId}/confirmation`,
      as: 'staff',
      body: { channel: 'email' },
      status: 201,
    });
    await call('get', '/confirmations/pending', {
      url: '/confirmations/pending?language=de',
      as: 'staff',
      status: 200,
    });
    const release = await call('post', '/confirmations/releases', {
      as: 'staff',
      body: { channels: ['email'], expected: 1000 },
      status: 200,
    });
    await call('get', '/confirmations/releases/{id}', {
      url: `/confirmations/releases/${(release.body as { id: string }).id}`,
      as: 'staff',
      status: 200,
    });
    const exported = await call('get', '/contacts/{id}/export', {
      url: `/contacts/${contactId}/export`,
      as: 'admin',
      status: 200,
    });
    for (const list of ['consentEvents', 'messages', 'segments'])
      expect(exported.body[list].length).toBeGreaterThan(0);
    await call('put', '/retention-rules/{source}', {
      url: '/retention-rules/petition-2026',
      as: 'admin',
      body: { days: 365, after: '2026-09-27' },
      status: 200,
    });
    await call('get', '/retention-rules', { as: 'admin', status: 200 });
    await call('get', '/retention-rules/due', { as: 'admin', status: 200 });
    await call('post', '/retention-rules/apply', { as: 'admin', body: { expected: 0 }, status: 201 });
    await call('delete', '/retention-rules/{source}', {
      url: '/retention-rules/petition-2026',
      as: 'admin',
      status: 204,
    });
    await call('delete', '/retention-rules/{source}', {
      url: '/retention-rules/petition-2026',
      as: 'admin',
      status: 404,
    });
    await call('post', '/contacts/{id}/consent', {
      url: `/contacts/${contactId}/consent`,
      as: 'admin',
      body: { channel: 'email', purposes: [], action: 'maybe' },
      status: 422,
    });
    await call('get', '/contacts/{id}/export', {
      url: `/contacts/${contactId}/export`,
      as: 'staff',
      status: 403,
    });
  });

  it("the supporters' pages", async () => {
    const links = t.app.get(LinkService);
    const pathOf = (action: 'confirm' | 'unsubscribe' | 'preferences') =>
      new URL(links.url(action, { contactId, channel: 'email', purpose: '*' })).pathname;
    await call('get', '/confirm/{token}', { url: pathOf('confirm'), status: 200 });
    await call('post', '/confirm/{token}', { url: pathOf('confirm'), form: { confirm: 'yes' }, status: 200 });
    await call('get', '/unsubscribe/{token}', { url: pathOf('unsubscribe'), status: 200 });
    await call('post', '/unsubscribe/{token}', {
      url: pathOf('unsubscribe'),
      form: { 'List-Unsubscribe': 'One-Click' },
      status: 200,
    });
    await call('get', '/preferences/{token}', { url: pathOf('preferences'), status: 200 });
    await call('post', '/preferences/{token}', {
      url: pathOf('preferences'),
      form: { 'email:campaign-news': 'on', language: 'en' },
      status: 200,
    });
    await call('get', '/confirm/{token}', { url: '/confirm/not-a-token', status: 400 });
    // A tracked link of a group whose template version links to one address.
    const [{ id: target }] = await t.db.dataSource.query(
      `INSERT INTO click_targets (wave_id, template_key, template_version, language, expires_at)
       SELECT id, 'peace', 1, 'de', now() + interval '1 day' FROM waves LIMIT 1 RETURNING id`,
    );
    await t.db.dataSource.query(
      `UPDATE issue_template_versions v SET links = '["https://example.org/frieden"]' FROM issue_templates t
       WHERE t.id = v.template_id AND t.key = 'peace' AND v.version = 1`,
    );
    const click = new URL(links.clickUrl({ target, link: 0, nonce: 1 })).pathname;
    await call('get', '/l/{token}', { url: click, status: 302 });
    await call('get', '/l/{token}', { url: '/l/not-a-token', status: 404 });
    await call('get', '/signup', { url: '/signup?lang=en', status: 200 });
    await call('post', '/signup', { form: { email: 'not an address' }, status: 422 });
    await call('post', '/signup', {
      form: { email: 'new.supporter@example.org', purposes: 'campaign-news', language: 'de' },
      status: 200,
    });
  });

  it('the Twilio webhooks', async () => {
    const inbound = await twilioWebhook(t, sms, '/webhooks/twilio/inbound', {
      From: '+4915130000000',
      Body: 'HELP',
      MessageSid: 'SM0001',
    }).expect(200);
    mismatches.push(...validator.problems('post', '/webhooks/{provider}/inbound', inbound));
    const status = await twilioWebhook(t, sms, '/webhooks/twilio/status', {
      MessageSid: 'SM0002',
      MessageStatus: 'delivered',
    }).expect(204);
    mismatches.push(...validator.problems('post', '/webhooks/{provider}/status', status));
    if (mismatches.length === 0)
      validated.add('POST /webhooks/{provider}/inbound').add('POST /webhooks/{provider}/status');
    await call('post', '/webhooks/{provider}/status', {
      url: '/webhooks/twilio/status',
      form: { MessageSid: 'SM0003' },
      status: 403,
    });
    await call('post', '/webhooks/{provider}/status', {
      url: '/webhooks/carrier-pigeon/status',
      form: { MessageSid: 'SM0003' },
      status: 404,
    });
  });

  it('erasure', async () => {
    await call('delete', '/contacts/{id}', { url: `/contacts/${contactId}`, as: 'admin', status: 204 });
    await call('get', '/contacts/{id}/export', {
      url: `/contacts/${contactId}/export`,
      as: 'admin',
      status: 404,
    });
    await call('delete', '/contacts/{id}', { url: `/contacts/${contactId}`, as: 'admin', status: 404 });
  });

  it('imports: previews, saved mappings and an upload by a mapping’s name', async () => {
    const file = Buffer.from(
      'Mail-Adresse;Vorname;Keine Post;Telefon\nneu.eins@example.org;Eva;nein;0151 23456711\nkaputt;Emil;ja;\n',
    );
    await call('put', '/import-mappings/{name}', {
      url: '/import-mappings/crm',
      as: 'staff',
      body: { kind: 'contacts', mapping: { email: 'Mail-Adresse', email_opt_out: 'Keine Post' } },
      status: 200,
    });
    await call('put', '/import-mappings/{name}', {
      url: '/import-mappings/crm',
      as: 'staff',
      body: { kind: 'contacts', mapping: { shoe_size: 'x' } },
      status: 422,
    });
    await call('get', '/import-mappings', { as: 'strategist', status: 200 });
    const mappings = await call('get', '/import-mappings', { as: 'staff', status: 200 });
    expect(mappings.body).toHaveLength(1);
    const preview = await call('post', '/imports/preview', {
      as: 'staff',
      upload: { fields: { kind: 'contacts', mappingName: 'crm' }, file, name: 'crm.csv' },
      status: 200,
    });
    expect(preview.body.rows[1].errors[0]).toMatchObject({ line: 3, column: 'Mail-Adresse' });
    await call('post', '/imports/preview', {
      as: 'strategist',
      upload: {
        fields: { kind: 'postcodes' },
        file: Buffer.from('plz;wahlkreis\n10115;1\n'),
        name: 'plz.csv',
      },
      status: 200,
    });
    await call('post', '/imports/preview', {
      as: 'staff',
      upload: { fields: { kind: 'contacts' }, file: Buffer.from('nothing here\n'), name: 'x.csv' },
      status: 400,
    });
    const job = await call('post', '/imports', {
      as: 'staff',
      upload: { fields: { kind: 'contacts', mappingName: 'crm' }, file, name: 'crm.csv' },
      status: 202,
    });
    await t.imports.idle();
    await call('get', '/imports/{id}', { url: `/imports/${job.body.id}`, as: 'staff', status: 200 });
    await call('delete', '/import-mappings/{name}', {
      url: '/import-mappings/crm',
      as: 'staff',
      status: 204,
    });
    await call('delete', '/import-mappings/{name}', {
      url: '/import-mappings/crm',
      as: 'staff',
      status: 404,
    });
  });

  it('contacts: search and one contact in full', async () => {
    const found = await call('get', '/contacts', { url: '/contacts?q=name1', as: 'staff', status: 200 });
    expect(found.body.total).toBeGreaterThan(0);
    await call('get', '/contacts', { url: '/contacts?q=ab', as: 'staff', status: 422 });
    const id = found.body.items[0].id as string;
    await call('post', '/contacts/{id}/messages', {
      url: `/contacts/${id}/messages`,
      as: 'staff',
      body: { channel: 'email', purpose: 'campaign-news', template: 'peace' },
      status: 201,
    });
    const contact = await call('get', '/contacts/{id}', { url: `/contacts/${id}`, as: 'staff', status: 200 });
    expect(contact.body.segment).not.toBeNull();
    expect(contact.body.messages.items.length).toBeGreaterThan(0);
    await call('get', '/contacts/{id}', { url: `/contacts/${id}`, as: 'strategist', status: 403 });
    await call('get', '/contacts/{id}', {
      url: '/contacts/00000000-0000-4000-8000-000000000000',
      as: 'admin',
      status: 404,
    });
  });

  it('staff accounts, API keys and the audit log', async () => {
    const user = await call('post', '/staff-users', {
      as: 'admin',
      body: { name: 'Neu', email: 'neu@example.org', password: 'a-long-password-1', role: 'staff' },
      status: 201,
    });
    await call('get', '/staff-users', { as: 'admin', status: 200 });
    await call('patch', '/staff-users/{id}', {
      url: `/staff-users/${user.body.id}`,
      as: 'admin',
      body: { role: 'strategist', disabled: true },
      status: 200,
    });
    await call('patch', '/staff-users/{id}', {
      url: `/staff-users/${user.body.id}`,
      as: 'admin',
      body: { disabled: 'yes' },
      status: 422,
    });
    const me = (await t.http().get('/auth/me').set(as('admin'))).body.id as string;
    await call('patch', '/staff-users/{id}', {
      url: `/staff-users/${me}`,
      as: 'admin',
      body: { disabled: true },
      status: 409,
    });
    await call('post', '/staff-users/{id}/password', {
      url: `/staff-users/${user.body.id}/password`,
      as: 'admin',
      body: {},
      status: 200,
    });
    await call('post', '/staff-users/{id}/password', {
      url: `/staff-users/${user.body.id}/password`,
      as: 'admin',
      body: { password: 'another-long-password' },
      status: 200,
    });
    const key = await call('post', '/auth/api-keys', { as: 'admin', body: { name: 'sync' }, status: 201 });
    await call('get', '/auth/api-keys', { as: 'admin', status: 200 });
    await call('delete', '/auth/api-keys/{id}', {
      url: `/auth/api-keys/${key.body.id}`,
      as: 'admin',
      status: 204,
    });
    await call('get', '/auth/api-keys', { as: 'admin', status: 200 });
    await call('get', '/audit', { url: '/audit?perPage=500', as: 'admin', status: 200 });
    await call('get', '/audit', {
      url: `/audit?action=staff-user.&entityType=staff-user&entityId=${user.body.id}&from=2020-01-01T00:00:00Z`,
      as: 'admin',
      status: 200,
    });
    await call('get', '/audit', { url: '/audit?action=*', as: 'admin', status: 422 });
    await call('get', '/audit', { as: 'staff', status: 403 });
  });

  it('the second factor: enrolment at sign-in and of one’s own accord, a code, the session, an admin’s reset', async () => {
    const code = (secret: string, steps = 0) =>
      generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
    const password = 'a-long-password-2';
    const login = async (email: string) =>
      (await t.http().post('/auth/login').send({ email, password }).expect(200)).body as {
        token?: string;
        challenge?: string;
        secondFactor?: string;
      };

    // An admin without a factor enrols as they sign in.
    await call('post', '/staff-users', {
      as: 'admin',
      body: { name: 'Zweite Admin', email: 'admin2@example.org', password, role: 'admin' },
      status: 201,
    });
    const enrol = await login('admin2@example.org');
    expect(enrol.secondFactor).toBe('enrol');
    const shown = await call('post', '/auth/login/enrolment', {
      body: { challenge: enrol.challenge },
      status: 200,
    });
    await call('post', '/auth/login/second-factor', {
      body: { challenge: enrol.challenge, code: '000000' },
      status: 401,
    });
    const enrolled = await call('post', '/auth/login/second-factor', {
      body: { challenge: enrol.challenge, code: await code(shown.body.secret) },
      status: 200,
    });
    expect(enrolled.body.recoveryCodes).toHaveLength(10);

    // Staff set one up from their account, and then sign in with a code.
    const user = await call('post', '/staff-users', {
      as: 'admin',
      body: { name: 'Mit Faktor', email: 'mfa@example.org', password, role: 'staff' },
      status: 201,
    });
    const token = (await login('mfa@example.org')).token!;
    await call('get', '/auth/session', { status: 200 });
    await call('get', '/auth/session', { bearer: token, status: 200 });
    await call('get', '/auth/me/second-factor', { bearer: token, status: 200 });
    const own = await call('post', '/auth/me/second-factor', { bearer: token, status: 200 });
    await call('put', '/auth/me/second-factor', { bearer: token, body: { code: '000000' }, status: 401 });
    await call('put', '/auth/me/second-factor', {
      bearer: token,
      body: { code: await code(own.body.secret) },
      status: 200,
    });
    await call('get', '/auth/me/second-factor', { bearer: token, status: 200 });
    const challenge = await login('mfa@example.org');
    expect(challenge.secondFactor).toBe('code');
    await call('post', '/auth/login/second-factor', {
      body: { challenge: challenge.challenge, code: await code(own.body.secret, 1) },
      status: 200,
    });

    await call('delete', '/staff-users/{id}/second-factor', {
      url: `/staff-users/${user.body.id}/second-factor`,
      as: 'admin',
      status: 200,
    });
    await call('delete', '/staff-users/{id}/second-factor', {
      url: `/staff-users/${user.body.id}/second-factor`,
      as: 'admin',
      status: 409,
    });
  });

  it('fails an answer that does not match its schema (self-check)', async () => {
    const res = await t.http().get('/contacts?perPage=3').set(as('staff')).expect(200);
    const page = res.body as { total: number; items: Record<string, unknown>[] };
    expect(page.items.length).toBeGreaterThan(0);
    const problems = (body: unknown) => validator.problems('get', '/contacts', { ...res, body });
    expect(problems(page)).toEqual([]);
    const edited = (edit: (copy: typeof page) => void) => {
      const copy = structuredClone(page);
      edit(copy);
      return problems(copy);
    };
    expect(edited((p) => Object.assign(p, { total: String(p.total) }))).toEqual([
      expect.stringContaining('/total must be integer'),
    ]);
    expect(edited((p) => delete p.items[0].id)).toEqual([
      expect.stringContaining("must have required property 'id'"),
    ]);
    expect(edited((p) => (p.items[0].region = 'Leipzig'))).not.toEqual([]);
    expect(edited((p) => (p.items[0].language = null))).not.toEqual([]);
    expect(edited((p) => (p.items[0].nickname = 'Ali'))).toEqual([
      expect.stringContaining('must NOT have additional properties (nickname)'),
    ]);
    expect(edited((p) => (p.items[0].consent = { email: { 'campaign-news': 'maybe' } }))).not.toEqual([]);
    expect(problems([page.items[0]])).not.toEqual([]);
    expect(validator.problems('get', '/contacts', { ...res, status: 418 })).toEqual([
      'GET /contacts answered 418, which is not declared',
    ]);

    // The same real answer against a document whose declaration is wrong.
    const wrong = structuredClone(doc);
    const contact = wrong.components.schemas.ContactDto as {
      properties: Record<string, Schema>;
      required: string[];
    };
    contact.properties.language = { type: 'number' };
    expect(new ResponseValidator(wrong).problems('get', '/contacts', res)).toContainEqual(
      expect.stringContaining('/items/0/language must be number'),
    );
    const missing = structuredClone(doc);
    const declared = missing.components.schemas.ContactDto as {
      properties: Record<string, Schema>;
      required: string[];
    };
    declared.properties.nickname = { type: 'string' };
    declared.required.push('nickname');
    expect(new ResponseValidator(missing).problems('get', '/contacts', res)).toContainEqual(
      expect.stringContaining("must have required property 'nickname'"),
    );
  });

  it('gives every operation a summary and a success schema', () => {
    const offenders: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const operation = operations[method];
        if (!operation) continue;
        const name = `${method.toUpperCase()} ${path}`;
        if (!operation.summary?.trim()) offenders.push(`${name}: no summary`);
        const success = Object.entries(operation.responses ?? {}).filter(([status]) =>
          /^[23]\d\d$/.test(status),
        );
        // A redirect's answer is where it leads.
        const described = success.some(
          ([status, r]) =>
            status === '204' ||
            (status.startsWith('3') && r.headers?.Location !== undefined) ||
            Object.values(r.content ?? {}).some((media) => media.schema !== undefined),
        );
        if (!described) offenders.push(`${name}: no response schema for a 2xx status`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('has validated a real success answer of every operation it describes', () => {
    const documented = Object.entries(doc.paths)
      .filter(([path]) => ours(path))
      .flatMap(([path, operations]) =>
        METHODS.filter((m) => operations[m]).map((m) => `${m.toUpperCase()} ${path}`),
      );
    expect(documented.filter((op) => !validated.has(op))).toEqual([]);
  });
});
