import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

export const sessionCookieName = 'lore_session';
/** Header a cookie-authenticated state-changing request must carry (the session's CSRF token). */
export const csrfHeaderName = 'X-CSRF-Token';

/** Sets the session cookie: httpOnly, SameSite=Lax, path `/`, Secure over TLS. */
export function setSessionCookie(
  c: Context,
  token: string,
  options: { secure: boolean; maxAgeSeconds: number },
): void {
  setCookie(c, sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: options.secure,
    maxAge: options.maxAgeSeconds,
  });
}

export function clearSessionCookie(c: Context, options: { secure: boolean }): void {
  deleteCookie(c, sessionCookieName, { path: '/', httpOnly: true, sameSite: 'Lax', secure: options.secure });
}

export function sessionTokenOf(c: Context): string | undefined {
  return getCookie(c, sessionCookieName);
}
