import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import { Public } from '../common/auth.decorators.js';
import { ApiHtmlResponse } from '../common/api-docs.js';
import { consentPurposes, Env } from '../config/config.js';
import { ANALYTICS_PURPOSE } from '../consent/consent.js';
import { ConsentService, type Evidence } from '../consent/consent.service.js';
import { Contact } from '../contacts/contact.entity.js';
import { ClicksService } from '../links/clicks.service.js';
import { LinkService } from '../links/link.service.js';
import type { LinkAction, LinkClaims } from '../links/signed-links.js';
import { SupporterService } from './supporter.service.js';
import {
  alreadyUnsubscribedPage,
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
import { fill, PAGE_LANGUAGES, stringsFor } from '../common/strings.js';

type Form = Record<string, string | string[] | undefined>;

/**
 * The supporters' own pages, reached through signed links (and the open sign-up form). They never show anything
 * about anyone but the link's holder, and a bad link gets the same plain page whatever is wrong with it.
 */
@ApiTags('supporters')
@ApiProduces('text/html')
@ApiHtmlResponse(429, 'Too many requests from this address; the page says when to try again (Retry-After)')
@Public()
@Controller()
export class PublicController {
  private readonly limiter: RateLimiterMemory;

  constructor(
    private readonly env: Env,
    @InjectDataSource() private readonly db: DataSource,
    private readonly links: LinkService,
    private readonly consent: ConsentService,
    private readonly supporters: SupporterService,
    private readonly clicks: ClicksService,
  ) {
    this.limiter = new RateLimiterMemory({ points: env.PUBLIC_REQUESTS_PER_MINUTE, duration: 60 });
  }

  /**
   * A tracked link in a campaign message: counted for its group, then on to the address saved with the template
   * version, never to one taken from the request. Genuine clicks are not rate-limited (a whole office behind one
   * address may follow a link at once); refused tokens are, so nobody can try tokens by the thousand.
   */
  @Get('l/:token')
  @ApiOperation({
    summary:
      'A tracked link: counts the click for its wave, segment, template and language (not for a person) and redirects',
  })
  @ApiResponse({
    status: 302,
    description: 'On to the address the template version links to',
    headers: {
      Location: { description: 'The address saved with the template version', schema: { type: 'string' } },
    },
  })
  @ApiHtmlResponse(404, 'The link is not valid (the same page whatever is wrong with it); no Location')
  @ApiHtmlResponse(410, 'The link has expired; no Location')
  async click(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const ip = req.ip ?? 'unknown';
    const tried = await this.limiter.get(ip);
    if (
      tried &&
      tried.consumedPoints >= this.env.PUBLIC_REQUESTS_PER_MINUTE &&
      !(await this.allowed(req, res))
    )
      return;
    const claims = this.links.verifyClick(token);
    const outcome = claims ? await this.clicks.record(claims) : ({ refused: 'unknown' } as const);
    if ('url' in outcome && /^https?:\/\//i.test(outcome.url)) {
      res
        .status(302)
        .set({ Location: outcome.url, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
        .end();
      return;
    }
    if (!(await this.allowed(req, res))) return;
    const { language, t } = stringsFor(req.acceptsLanguages('de', 'en') || 'en');
    this.html(
      res,
      'refused' in outcome && outcome.refused === 'expired' ? 410 : 404,
      invalidLinkPage(language, t),
    );
  }

  /** Shows what the link confirms and a button; opening the link alone changes nothing. */
  @Get('confirm/:token')
  @ApiOperation({
    summary:
      'Double opt-in: the page showing what the signed link confirms, with its button (changes nothing)',
  })
  @ApiHtmlResponse(200, 'The confirmation page')
  @ApiHtmlResponse(400, 'The link is not valid (the same page whatever is wrong with it)')
  @ApiHtmlResponse(404, 'The link is valid but its contact no longer exists')
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
  @ApiHtmlResponse(200, 'Confirmed: what was confirmed, and a link to the preferences')
  @ApiHtmlResponse(400, 'The link is not valid (the same page whatever is wrong with it)')
  @ApiHtmlResponse(404, 'The link is valid but its contact no longer exists')
  @ApiConsumes('application/x-www-form-urlencoded')
  async confirm(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const found = await this.open(token, 'confirm', req, res);
    if (!found) return;
    const { claims, contact, language, t } = found;
    const confirmed = await this.supporters.confirm(contact.id, claims.channel, this.evidence(req, 'link'));
    this.html(res, 200, confirmedPage(language, t, confirmed, this.preferencesUrl(claims)));
  }

  /**
   * What the link would still withdraw, and the button; a link opened again once nothing it names is given any more
   * says that it is done, and offers the preferences.
   */
  @Get('unsubscribe/:token')
  @ApiOperation({
    summary:
      'Opt-out: the page showing what will be withdrawn, with its button, or that it is already done (changes nothing)',
  })
  @ApiHtmlResponse(
    200,
    'The opt-out page, or the page saying it is already done with a link to the preferences',
  )
  @ApiHtmlResponse(400, 'The link is not valid (the same page whatever is wrong with it)')
  @ApiHtmlResponse(404, 'The link is valid but its contact no longer exists')
  async unsubscribePrompt(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const found = await this.open(token, 'unsubscribe', req, res);
    if (!found) return;
    const { claims, contact, language, t } = found;
    const purposes = this.purposesOf(claims);
    const given = await this.consent.purposesIn(contact.id, claims.channel, ['requested', 'confirmed']);
    const open = purposes.filter((p) => given.includes(p));
    this.html(
      res,
      200,
      open.length
        ? unsubscribePage(language, t, claims.channel, open, req.originalUrl)
        : alreadyUnsubscribedPage(language, t, claims.channel, purposes, this.preferencesUrl(claims)),
    );
  }

  /** The button on the page, and RFC 8058's one-click POST (body `List-Unsubscribe=One-Click`): both withdraw. */
  @Post('unsubscribe/:token')
  @ApiOperation({
    summary: 'Opt-out: the button, or RFC 8058 one-click (body List-Unsubscribe=One-Click); withdraws',
  })
  @ApiHtmlResponse(200, 'Withdrawn: what was withdrawn, and a link to the preferences')
  @ApiHtmlResponse(400, 'The link is not valid (the same page whatever is wrong with it)')
  @ApiHtmlResponse(404, 'The link is valid but its contact no longer exists')
  @ApiConsumes('application/x-www-form-urlencoded')
  async unsubscribe(
    @Param('token') token: string,
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: Form,
  ) {
    const found = await this.open(token, 'unsubscribe', req, res);
    if (!found) return;
    const { claims, language, t } = found;
    const purposes = this.purposesOf(claims);
    const oneClick = body?.['List-Unsubscribe'] === 'One-Click';
    await this.supporters.unsubscribe(claims, purposes, oneClick ? 'one-click' : 'link', {
      ...this.evidence(req, 'link'),
      details: { via: oneClick ? 'list-unsubscribe-one-click' : 'unsubscribe-page' },
    });
    this.html(res, 200, unsubscribedPage(language, t, purposes, this.preferencesUrl(claims)));
  }

  @Get('preferences/:token')
  @ApiOperation({
    summary: 'The preference centre of the link’s holder: each channel × purpose, and the language',
  })
  @ApiHtmlResponse(200, 'The preference centre')
  @ApiHtmlResponse(400, 'The link is not valid (the same page whatever is wrong with it)')
  @ApiHtmlResponse(404, 'The link is valid but its contact no longer exists')
  async preferences(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    const found = await this.open(token, 'preferences', req, res);
    if (!found) return;
    await this.showPreferences(found.contact, req, res, false);
  }

  @Post('preferences/:token')
  @ApiOperation({ summary: 'Saves the preference centre (form fields `channel:purpose=on`, `language`)' })
  @ApiHtmlResponse(200, 'The preference centre, saved')
  @ApiHtmlResponse(400, 'The link is not valid (the same page whatever is wrong with it)')
  @ApiHtmlResponse(404, 'The link is valid but its contact no longer exists')
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
    await this.supporters.savePreferences(contact, claims.channel, body, evidence);
    await this.showPreferences(contact, req, res, true);
  }

  @Get('signup')
  @ApiOperation({ summary: 'The public sign-up form (`?lang=de|en`)' })
  @ApiHtmlResponse(200, 'The sign-up form')
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
  @ApiHtmlResponse(200, 'Thanks: a confirmation request is on its way (the same answer for a known address)')
  @ApiHtmlResponse(422, 'The form again, with what is wrong and the values given')
  @ApiConsumes('application/x-www-form-urlencoded')
  async signup(@Query('lang') lang: string, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    if (!(await this.allowed(req, res, lang))) return;
    const { language, t } = stringsFor(typeof body?.language === 'string' ? body.language : (lang ?? 'de'));
    const form = this.supporters.readSignUp(body, t);
    if (!form.ok) return this.html(res, 422, this.signupHtml(language, t, form.problems, form.values));
    await this.supporters.signUp(form, language, this.evidence(req, 'form'));
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
      [...consentPurposes(this.env), ANALYTICS_PURPOSE],
      consentText,
      this.env.CONSENT_TEXT_VERSION,
      problems,
      values,
    );
  }

  private async showPreferences(contact: Contact, req: Request, res: Response, saved: boolean) {
    const { language, t } = stringsFor(contact.language);
    // A box is ticked only for what the person confirmed: one only asked for is not given yet, and a save must not
    // confirm it unless the person ticks it.
    const rows = (await this.supporters.preferenceStates(contact.id)).map((s) => ({
      channel: s.channel,
      purpose: s.purpose,
      on: s.status === 'confirmed',
      pending: s.status === 'requested',
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

  private html(res: Response, status: number, body: string) {
    res
      .status(status)
      .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' })
      .type('html')
      .send(body);
  }
}
