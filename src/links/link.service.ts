import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Env, publicUrl } from '../config/config.js';
import { signClick, verifyClick, type ClickClaims } from './click-token.js';
import {
  parseKeys,
  signLink,
  verifyLink,
  type LinkAction,
  type LinkClaims,
  type SigningKey,
} from './signed-links.js';

const DAY = 86_400;
/** A confirmation link is short-lived; opt-out and preference links must keep working for a long time. */
const CONFIRM_TTL_DAYS = 14;

/** Builds and checks the signed links in messages. Keys: LINK_KEYS, else one generated and kept in the database. */
@Injectable()
export class LinkService implements OnModuleInit {
  private keys: SigningKey[] = [];

  constructor(
    private readonly env: Env,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onModuleInit() {
    if (this.env.LINK_KEYS) {
      this.keys = parseKeys(this.env.LINK_KEYS);
      return;
    }
    await this.db.query(
      `INSERT INTO app_secrets (name, value) VALUES ('link_key', $1) ON CONFLICT (name) DO NOTHING`,
      [randomBytes(32).toString('base64url')],
    );
    const [{ value }]: { value: string }[] = await this.db.query(
      `SELECT value FROM app_secrets WHERE name = 'link_key'`,
    );
    this.keys = [{ id: 'db', secret: value }];
  }

  url(action: LinkAction, claims: Omit<LinkClaims, 'action' | 'expires'>): string {
    const days = action === 'confirm' ? CONFIRM_TTL_DAYS : this.env.LINK_TTL_DAYS;
    const expires = Math.floor(Date.now() / 1000) + days * DAY;
    return `${publicUrl(this.env)}/${action}/${signLink({ ...claims, action, expires }, this.keys)}`;
  }

  /** A tracked link: `/l/<token>`, signed with the same keys as the other links, so it rotates with them. */
  clickUrl(claims: ClickClaims): string {
    return `${publicUrl(this.env)}/l/${signClick(claims, this.keys)}`;
  }

  /** A tracked link's claims when it is genuine; null for anything else. */
  verifyClick(token: string): ClickClaims | null {
    return verifyClick(token, this.keys);
  }

  /** The claims when the token is genuine, unexpired and made for this action; otherwise null. */
  verify(token: string, action: LinkAction): LinkClaims | null {
    const check = verifyLink(token, this.keys);
    return check.ok && check.claims.action === action ? check.claims : null;
  }
}
