import { api, ApiError, ok } from './client';
import type { components } from './schema';

export interface User {
  id: string;
  role: string;
  name?: string | null;
  email?: string | null;
  language: 'de' | 'en';
  secondFactor?: boolean;
}

/** The password was right and a second factor is needed: a code, or (`enrol`) setting one up first. */
export type Challenge = components['schemas']['SignInChallengeDto'];
export type Enrolment = components['schemas']['EnrolmentDto'];
export type SecondFactorStatus = components['schemas']['SecondFactorStatusDto'];

const asUser = (me: components['schemas']['StaffUserDto']): User => ({
  ...me,
  language: me.language === 'en' ? 'en' : 'de',
});

/** Who is signed in (the session cookie), or null; asked without a 401 when nobody is. */
export async function currentUser(): Promise<User | null> {
  const { user } = await ok(api.GET('/auth/session'));
  return user ? asUser(user) : null;
}

async function signedInUser(): Promise<User> {
  const me = await currentUser();
  if (!me) throw new ApiError(401, 'The session cookie was not accepted');
  return me;
}

/**
 * Signs in with a session cookie (HttpOnly: the page never holds the token), or answers the challenge when a
 * second factor is needed.
 */
export async function signIn(email: string, password: string): Promise<User | Challenge> {
  const answer = await ok(api.POST('/auth/login', { body: { email, password, session: 'cookie' } }));
  if ('challenge' in answer) return answer;
  return signedInUser();
}

/** The code (or a recovery code) completes the sign-in; after an enrolment, with the recovery codes to show once. */
export async function signInWithCode(
  challenge: string,
  code: string,
): Promise<{ user: User; recoveryCodes: string[] }> {
  const answer = await ok(
    api.POST('/auth/login/second-factor', { body: { challenge, code, session: 'cookie' } }),
  );
  return { user: await signedInUser(), recoveryCodes: answer.recoveryCodes ?? [] };
}

/** The secret and QR code of a second factor to set up during sign-in. */
export const enrolAtSignIn = (challenge: string) =>
  ok(api.POST('/auth/login/enrolment', { body: { challenge } }));

export const secondFactorStatus = () => ok(api.GET('/auth/me/second-factor'));
export const startEnrolment = () => ok(api.POST('/auth/me/second-factor'));
export const confirmEnrolment = (code: string) => ok(api.PUT('/auth/me/second-factor', { body: { code } }));

export async function signOut(): Promise<void> {
  await api.POST('/auth/logout');
}

export async function saveLanguage(language: 'de' | 'en'): Promise<void> {
  await ok(api.PUT('/auth/me', { body: { language } }));
}
