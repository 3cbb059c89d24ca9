import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CountryCode } from 'libphonenumber-js';
import { PAGE_LANGUAGES, purposeName, type Strings } from '../common/strings.js';
import { consentPurposes, Env } from '../config/config.js';
import { ANALYTICS_PURPOSE, CHANNELS, type Channel } from '../consent/consent.js';
import { ConsentService, type Evidence } from '../consent/consent.service.js';
import { Contact } from '../contacts/contact.entity.js';
import { normaliseEmail, parsePhone } from '../contacts/addresses.js';
import type { LinkClaims } from '../links/signed-links.js';
import { ConfirmationService } from '../messaging/confirmation.service.js';
import { OptOutsService } from '../messaging/opt-outs.service.js';
import type { OptOutVia } from '../messaging/wave-opt-out.entity.js';

type Form = Record<string, string | string[] | undefined>;

/** A sign-up form as sent: its problems in the page's words, or what it asks for. */
export type SignUp =
  | { ok: false; problems: string[]; values: Record<string, string> }
  | {
      ok: true;
      email: string | null;
      phone: string | null;
      purposes: string[];
      text: (name: string) => string;
    };

/** What supporters do on their own pages: sign up, confirm, choose their preferences. */
@Injectable()
export class SupporterService {
  constructor(
    private readonly env: Env,
    @InjectDataSource() private readonly db: DataSource,
    private readonly consent: ConsentService,
    private readonly confirmations: ConfirmationService,
    private readonly optOuts: OptOutsService,
  ) {}

  /**
   * An opt-out through a link: withdraws the link's purposes and, when the link came in a wave's message and the
   * consent changed, counts it for that wave in the same transaction.
   */
  async unsubscribe(claims: LinkClaims, purposes: string[], via: OptOutVia, evidence: Evidence) {
    await this.db.transaction(async (m) => {
      const { contactId, channel, messageId } = claims;
      const changed = await this.consent.change(contactId, channel, purposes, 'withdrawn', evidence, m);
      if (changed.length && messageId) await this.optOuts.throughLink(m, messageId, contactId, via);
    });
  }

  /** The person's button: confirms what is requested on the channel, with the text version it was asked with. */
  async confirm(contactId: string, channel: Channel, evidence: Evidence): Promise<string[]> {
    const requested = await this.consent.purposesIn(contactId, channel, ['requested']);
    await this.consent.change(contactId, channel, requested, 'confirmed', {
      ...evidence,
      textVersion: await this.requestedTextVersion(contactId, channel),
    });
    return this.consent.purposesIn(contactId, channel, ['confirmed']);
  }

  /**
   * Saves the preference centre, which ticks only what is confirmed: a confirmed purpose left unticked is withdrawn;
   * a ticked one is confirmed on the link's own channel (the link proves control of it) and starts its own double
   * opt-in on the other. A purpose only requested is shown unticked: left so, it stays requested (its confirmation
   * may still come), and only the person's own tick confirms it.
   */
  async savePreferences(contact: Contact, linkChannel: Channel, body: Form, evidence: Evidence) {
    const all = await this.preferenceStates(contact.id);
    for (const channel of CHANNELS) {
      const states = all.filter((s) => s.channel === channel);
      const wanted = states.filter((s) => body?.[`${channel}:${s.purpose}`] === 'on').map((s) => s.purpose);
      const dropped = states
        .filter((s) => !wanted.includes(s.purpose) && s.status === 'confirmed')
        .map((s) => s.purpose);
      const added = states
        .filter((s) => wanted.includes(s.purpose) && s.status !== 'confirmed')
        .map((s) => s.purpose);
      await this.consent.change(contact.id, channel, dropped, 'withdrawn', evidence);
      if (channel === linkChannel)
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
  }

  /** What the preference centre offers: every purpose on each channel, and the analytics consent, off until given. */
  async preferenceStates(contactId: string) {
    const all = await this.consent.states(contactId);
    const missing = CHANNELS.filter(
      (c) => !all.some((s) => s.channel === c && s.purpose === ANALYTICS_PURPOSE),
    );
    return [
      ...all,
      ...missing.map((channel) => ({ channel, purpose: ANALYTICS_PURPOSE, status: 'none' as const })),
    ];
  }

  /** Reads a sign-up form: the address it gives, the purposes chosen, or what is wrong in the page's words. */
  readSignUp(body: Form, t: Strings): SignUp {
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
      const parsed = text('phone')
        ? parsePhone(text('phone'), this.env.DEFAULT_COUNTRY as CountryCode)
        : null;
      // The number is for SMS: a landline cannot receive them.
      if (parsed?.landline) throw new Error('a landline');
      phone = parsed?.e164 ?? null;
    } catch {
      problems.push(t.phone);
    }
    if (!email && !phone && !problems.length) problems.push(`${t.email} / ${t.phone}`);
    const given = ([] as string[]).concat(body?.purposes ?? []);
    // The analytics consent comes only beside a purpose to be written for, never on its own.
    const purposes = [...consentPurposes(this.env), ANALYTICS_PURPOSE].filter((p) => given.includes(p));
    if (!purposes.some((p) => p !== ANALYTICS_PURPOSE))
      problems.push(
        consentPurposes(this.env)
          .map((p) => purposeName(t, p))
          .join(' / '),
      );
    if (!problems.length) return { ok: true, email, phone, purposes, text };
    const values: Record<string, string> = Object.fromEntries(
      ['firstName', 'lastName', 'email', 'phone', 'postalCode'].map((k) => [k, text(k)]),
    );
    for (const p of purposes) values[`purpose:${p}`] = 'on';
    return { ok: false, problems, values };
  }

  /**
   * Starts double opt-in for a sign-up: the contact is found by its address or created, each purpose not yet
   * confirmed becomes requested, and a confirmation is queued per channel. Reveals nothing about who was known.
   */
  async signUp(form: Extract<SignUp, { ok: true }>, language: string, evidence: Evidence) {
    const { email, phone, purposes, text } = form;
    const contactId = await this.db.transaction(async (m) => {
      const existing: { id: string }[] = await m.query(
        `SELECT id FROM contacts WHERE ($1::text IS NOT NULL AND email = $1) OR ($1::text IS NULL AND phone = $2)
         ORDER BY created_at LIMIT 1 FOR UPDATE`,
        [email, phone],
      );
      if (existing.length) return existing[0].id;
      const region: { region_id: string }[] = text('postalCode')
        ? await m.query(
            `SELECT p.region_id FROM postcodes p JOIN region_levels l ON l.current_set_id = p.set_id
             WHERE l.level = $2 AND p.postcode = $1`,
            [text('postalCode'), this.env.CONTACT_REGION_LEVEL],
          )
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
    const all = await this.consent.states(contactId);
    for (const [channel, address] of [
      ['email', email],
      ['sms', phone],
    ] as const) {
      if (!address) continue;
      const states = all.filter((s) => s.channel === channel);
      const open = purposes.filter((p) => states.find((s) => s.purpose === p)?.status !== 'confirmed');
      await this.consent.change(contactId, channel, open, 'requested', {
        ...evidence,
        textVersion: this.env.CONSENT_TEXT_VERSION,
      });
      await this.confirmations.request(contactId, channel);
    }
  }

  private async requestedTextVersion(contactId: string, channel: Channel): Promise<string> {
    const rows: { text_version: string | null }[] = await this.db.query(
      `SELECT text_version FROM consent_events WHERE contact_id = $1 AND channel = $2 AND action = 'requested'
       ORDER BY id DESC LIMIT 1`,
      [contactId, channel],
    );
    return rows[0]?.text_version ?? this.env.CONSENT_TEXT_VERSION;
  }
}
