import { api, ApiError, ok } from './client';

export interface User {
  id: string;
  role: string;
  name?: string | null;
  email?: string | null;
  language: 'de' | 'en';
}

/** Who is signed in (the session cookie), or null. */
export async function currentUser(): Promise<User | null> {
  try {
    const me = await ok(api.GET('/auth/me'));
    return { ...me, language: me.language === 'en' ? 'en' : 'de' };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

/** Signs in with a session cookie (HttpOnly: the page never holds the token). */
export async function signIn(email: string, password: string): Promise<User> {
  await ok(api.POST('/auth/login', { body: { email, password, session: 'cookie' } }));
  const me = await currentUser();
  if (!me) throw new ApiError(401, 'The session cookie was not accepted');
  return me;
}

export async function signOut(): Promise<void> {
  await api.POST('/auth/logout');
}

export async function saveLanguage(language: 'de' | 'en'): Promise<void> {
  await ok(api.PUT('/auth/me', { body: { language } }));
}
