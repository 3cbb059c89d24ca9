import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import type { CountryCode } from 'libphonenumber-js';
import { Public } from '../auth/auth.decorators.js';
import { consentPurposes, Env } from '../config/config.js';
import { CHANNELS, type Channel } from '../consent/consent.js';
import { ConsentService, type Evidence } from '../consent/consent.service.js';
import { Contact } from '../contacts/contact.entity.js';
import { normaliseEmail, normalisePhone } from '../contacts/contact-row.js';
import { LinkService } from '../links/link.service.js';
import type { LinkAction, LinkClaims } from '../links/signed-links.js';
import { ConfirmationService } from '../messaging/confirmation.service.js';
import {
  confirmPage,
  confirmedPage,
  invalidLinkPage,
  preferencesPage,
  signupDonePage,
  signupPage,
  tooManyPage,
  unsubscribePage,
  unsubscribedPage,
} from './pages.js';
import { fill, PAGE_LANGUAGES, stringsFor } from './strings.js';

type Form = Record<string, string | string[] | undefined>;

/**
 * The supporters' own pages, reached through signed links (and the open sign-up form). They never show anything
 * about anyone but the link's holder, and a bad link gets the same plain page whatever is wrong with it.
 */
@ApiTags('supporters')
@ApiProduces('text/html')
@Public()
@Controller()
export class PublicController {
  private readonly limiter: RateLimiterMemory;

  constructor(
    private readonly env: Env,
    @InjectDataSource() private readonly db: DataSource,
    private readonly links: LinkService,
    private readonly consent: ConsentService,
    private readonly confirmations: ConfirmationService,
  ) {
    this.limiter = new RateLimiterMemory({ points: env.PUBLIC_REQUESTS_PER_MINUTE, duration: 60 });
  }

  /** Shows what the link confirms and a button; opening the link alone changes nothing. */
  @Get('confirm/:token')
  @ApiOperation({
    summary:
      'Double opt-in: the page showing what the signed link confirms, with its button (changes nothing)',
  })
  async confirmPrompt(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const found = await this.open(token, 'confirm', req, res);
    if (!found) return;
    const { claims, contact, language, t } = found;
    const requested = await this.consent.purposesIn(contact.id, claims.channel, ['requested']);
    this.html(res, 200, confirmPage(language, t, claims.channel, requested, req.originalUrl));
  }

  /** The person's button: confirms what is requested, with IP, user agent, time and the text version asked with. */
  @Post('confirm/:token')
  @ApiOperation({
    summary:
      'Double opt-in: the button; confirms the requested consent with IP, user agent, time and text version',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  async confirm(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const found = await this.open(token, 'confirm', req, res);
    if (!found) return;
    const { claims, contact, language, t } = found;
    const requested = await this.consent.purposesIn(contact.id, claims.channel, ['requested']);
    await this.consent.change(contact.id, claims.channel, requested, 'confirmed', {
      ...this.evidence(req, 'link'),
      textVersion: await this.requestedTextVersion(contact.id, claims.channel),
    });
    const confirmed = await this.consent.purposesIn(contact.id, claims.channel, ['confirmed']);
    this.html(res, 200, confirmedPage(language, t, confirmed, this.preferencesUrl(claims)));
  }

  @Get('unsubscribe/:token')
  @ApiOperation({
    summary: 'Opt-out: the page showing what will be withdrawn, with its button (changes nothing)',
  })
  async unsubscribePrompt(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const found = await this.open(token, 'unsubscribe', req, res);
    if (!found) return;
    const { claims, language, t } = found;
    this.html(
      res,
      200,
      unsubscribePage(language, t, claims.channel, this.purposesOf(claims), req.originalUrl),
    );
  }

  /** The button on the page, and RFC 8058's one-click POST (body `List-Unsubscribe=One-Click`): both withdraw. */
  @Post('unsubscribe/:token')
  @ApiOperation({
    summary: 'Opt-out: the button, or RFC 8058 one-click (body List-Unsubscribe=One-Click); withdraws',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  async unsubscribe(
    @Param('token') token: string,
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: Form,
  ) {
    const found = await this.open(token, 'unsubscribe', req, res);
    if (!found) return;
    const { claims, contact, language, t } = found;
    const purposes = this.purposesOf(claims);
    const oneClick = body?.['List-Unsubscribe'] === 'One-Click';
    await this.consent.change(contact.id, claims.channel, purposes, 'withdrawn', {
      ...this.evidence(req, 'link'),
      details: { via: oneClick ? 'list-unsubscribe-one-click' : 'unsubscribe-page' },
    });
    this.html(res, 200, unsubscribedPage(language, t, purposes, this.preferencesUrl(claims)));
  }

  @Get('preferences/:token')
  @ApiOperation({
    summary: 'The preference centre of the link’s holder: each channel × purpose, and the language',
  })
  async preferences(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const found = await this.open(token, 'preferences', req, res);
    if (!found) return;
    await this.showPreferences(found.contact, req, res, false);
  }

  @Post('preferences/:token')
  @ApiOperation({ summary: 'Saves the preference centre (form fields `channel:purpose=on`, `language`)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  async savePreferences(
    @Param('token') token: string,
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: Form,
  ) {
    const found = await this.open(token, 'preferences', req, res);
    if (!found) return;
    const { claims, contact } = found;
    // The preference page shows the consent text: the version is that of what the person saw when choosing.
    const evidence = { ...this.evidence(req, 'link'), textVersion: this.env.CONSENT_TEXT_VERSION };
    const all = await this.consent.states(contact.id);
    for (const channel of CHANNELS) {
      const states = all.filter((s) => s.channel === channel);
      const wanted = states.filter((s) => body?.[`${channel}:${s.purpose}`] === 'on').map((s) => s.purpose);
      const dropped = states
        .filter((s) => !wanted.includes(s.purpose) && (s.status === 'confirmed' || s.status === 'requested'))
        .map((s) => s.purpose);
      const added = states
        .filter((s) => wanted.includes(s.purpose) && s.status !== 'confirmed')
        .map((s) => s.purpose);
      await this.consent.change(contact.id, channel, dropped, 'withdrawn', evidence);
      // The link proves control of its own channel only; another channel starts its own double opt-in.
      if (channel === claims.channel)
        await this.consent.change(contact.id, channel, added, 'confirmed', evidence);
      else if (added.length) {
        await this.consent.change(contact.id, channel, added, 'requested', evidence);
        await this.confirmations.request(contact.id, channel);
      }
    }
    const language = typeof body?.language === 'string' ? body.language : '';
    if ((PAGE_LANGUAGES as readonly string[]).includes(language) && language !== contact.language) {
      await this.db.getRepository(Contact).update(contact.id, { language });
      contact.language = language;
    }
    await this.showPreferences(contact, req, res, true);
  }

  @Get('signup')
  @ApiOperation({ summary: 'The public sign-up form (`?lang=de|en`)' })
  async signupForm(@Query('lang') lang: string, @Req() req: Request, @Res() res: Response) {
    if (!(await this.allowed(req, res, lang))) return;
    const { language, t } = stringsFor(lang ?? 'de');
    this.html(res, 200, this.signupHtml(language, t));
  }

  /** Starts double opt-in. The answer is the same whether or not the address was known: it reveals nobody. */
  @Post('signup')
  @ApiOperation({
    summary:
      'Sign-up (form fields firstName, lastName, email, phone, postalCode, purposes, language); starts double opt-in',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  async signup(@Query('lang') lang: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    if (!(await this.allowed(req, res, lang))) return;
    const { language, t } = stringsFor(typeof body?.language === 'string' ? body.language : (lang ?? 'de'));
    const text = (name: string) => (typeof body?.[name] === 'string' ? body[name].trim() : '');
    const problems: string[] = [];
    let email: string | null = null;
    let phone: string | null = null;
    try {
      email = text('email') ? normaliseEmail(text('email')) : null;
    } catch {
      problems.push(t.email);
    }
    try {
      phone = text('phone') ? normalisePhone(text('phone'), this.env.DEFAULT_COUNTRY as CountryCode) : null;
    } catch {
      problems.push(t.phone);
    }
    if (!email && !phone && !problems.length) problems.push(`${t.email} / ${t.phone}`);
    const given = ([] as string[]).concat(body?.purposes ?? []);
    const purposes = consentPurposes(this.env).filter((p) => given.includes(p));
    if (purposes.length === 0) problems.push(Object.values(t.purposes).join(' / '));
    if (problems.length) {
      const values: Record<string, string> = Object.fromEntries(
        ['firstName', 'lastName', 'email', 'phone', 'postalCode'].map((k) => [k, text(k)]),
      );
      for (const p of purposes) values[`purpose:${p}`] = 'on';
      return this.html(res, 422, this.signupHtml(language, t, problems, values));
    }
    const contactId = await this.db.transaction(async (m) => {
      const existing: { id: string }[] = await m.query(
        `SELECT id FROM contacts WHERE ($1::text IS NOT NULL AND email = $1) OR ($1::text IS NULL AND phone = $2)
         ORDER BY created_at LIMIT 1 FOR UPDATE`,
        [email, phone],
      );
      if (existing.length) return existing[0].id;
      const region: { region_id: string }[] = text('postalCode')
        ? await m.query(`SELECT region_id FROM postcodes WHERE postcode = $1`, [text('postalCode')])
        : [];
      const created = await m.getRepository(Contact).save(
        m.getRepository(Contact).create({
          firstName: text('firstName').slice(0, 200) || null,
          lastName: text('lastName').slice(0, 200) || null,
          email,
          phone,
          postalCode: text('postalCode').slice(0, 20) || null,
          regionId: region[0]?.region_id ?? null,
          language,
          source: 'form',
        }),
      );
      return created.id;
    });
    const evidence = { ...this.evidence(req, 'form'), textVersion: this.env.CONSENT_TEXT_VERSION };
    const all = await this.consent.states(contactId);
    for (const [channel, address] of [
      ['email', email],
      ['sms', phone],
    ] as const) {
      if (!address) continue;
      const states = all.filter((s) => s.channel === channel);
      const open = purposes.filter((p) => states.find((s) => s.purpose === p)?.status !== 'confirmed');
      await this.consent.change(contactId, channel, open, 'requested', evidence);
      await this.confirmations.request(contactId, channel);
    }
    this.html(res, 200, signupDonePage(language, t));
  }

  private signupHtml(
    language: 'de' | 'en',
    t: ReturnType<typeof stringsFor>['t'],
    problems: string[] = [],
    values: Record<string, string> = {},
  ) {
    const consentText = fill(t.consentText, { sender: this.env.SENDER_NAME });
    return signupPage(
      language,
      t,
      consentPurposes(this.env),
      consentText,
      this.env.CONSENT_TEXT_VERSION,
      problems,
      values,
    );
  }

  private async showPreferences(contact: Contact, req: Request, res: Response, saved: boolean) {
    const { language, t } = stringsFor(contact.language);
    const rows = (await this.consent.states(contact.id)).map((s) => ({
      channel: s.channel,
      purpose: s.purpose,
      on: s.status === 'confirmed' || s.status === 'requested',
    }));
    const consentText = fill(t.consentText, { sender: this.env.SENDER_NAME });
    this.html(
      res,
      200,
      preferencesPage(
        language,
        t,
        rows,
        PAGE_LANGUAGES,
        req.originalUrl,
        saved,
        consentText,
        this.env.CONSENT_TEXT_VERSION,
      ),
    );
  }

  /** Rate limit, verify the link, find its contact; on any failure the response is already sent. */
  private async open(token: string, action: LinkAction, req: Request, res: Response) {
    if (!(await this.allowed(req, res))) return null;
    const claims = this.links.verify(token, action);
    const contact = claims ? await this.db.getRepository(Contact).findOneBy({ id: claims.contactId }) : null;
    if (!claims || !contact) {
      const { language, t } = stringsFor(req.acceptsLanguages('de', 'en') || 'en');
      this.html(res, claims ? 404 : 400, invalidLinkPage(language, t));
      return null;
    }
    return { claims, contact, ...stringsFor(contact.language) };
  }

  private async allowed(req: Request, res: Response, lang?: string): Promise<boolean> {
    try {
      await this.limiter.consume(req.ip ?? 'unknown');
      return true;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const { language, t } = stringsFor(lang ?? (req.acceptsLanguages('de', 'en') || 'en'));
      res.setHeader('Retry-After', String(Math.ceil(e.msBeforeNext / 1000)));
      this.html(res, 429, tooManyPage(language, t));
      return false;
    }
  }

  private purposesOf(claims: LinkClaims): string[] {
    return claims.purpose === '*' ? consentPurposes(this.env) : [claims.purpose];
  }

  private preferencesUrl(claims: LinkClaims): string {
    return this.links.url('preferences', {
      contactId: claims.contactId,
      channel: claims.channel,
      purpose: '*',
    });
  }

  private evidence(req: Request, source: 'link' | 'form'): Evidence {
    return { source, ip: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, 500) ?? null };
  }

  private async requestedTextVersion(contactId: string, channel: Channel): Promise<string> {
    const rows: { text_version: string | null }[] = await this.db.query(
      `SELECT text_version FROM consent_events WHERE contact_id = $1 AND channel = $2 AND action = 'requested'
       ORDER BY id DESC LIMIT 1`,
      [contactId, channel],
    );
    return rows[0]?.text_version ?? this.env.CONSENT_TEXT_VERSION;
  }

  private html(res: Response, status: number, body: string) {
    res
      .status(status)
      .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' })
      .type('html')
      .send(body);
  }
}
