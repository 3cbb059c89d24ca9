import {
  HttpException,
  HttpStatus,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { Env } from '../config/config.js';

/** At most LOGIN_ATTEMPTS_PER_MINUTE login attempts per client address and minute; more get 429 and Retry-After. */
@Injectable()
export class LoginRateLimitGuard implements CanActivate {
  private readonly limiter: RateLimiterMemory;

  constructor(env: Env) {
    this.limiter = new RateLimiterMemory({ points: env.LOGIN_ATTEMPTS_PER_MINUTE, duration: 60 });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    try {
      await this.limiter.consume(request.ip ?? 'unknown');
      return true;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      http.getResponse<Response>().setHeader('Retry-After', String(Math.ceil(e.msBeforeNext / 1000)));
      throw new HttpException('Too many login attempts; wait a minute', HttpStatus.TOO_MANY_REQUESTS);
    }
  }
}
