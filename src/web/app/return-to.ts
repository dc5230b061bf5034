// Remembers the page a user was on when the session ended, so signing in again leads back to it (drafts will be kept the same way).

/**
 * sessionStorage, not localStorage: it belongs to this tab and ends with it, so another person
 * opening the webmail later on a shared computer is not sent to the previous user's page.
 */
const KEY = 'mailward.returnTo';

export function rememberRoute(route: string): void {
  try {
    window.sessionStorage.setItem(KEY, route);
  } catch {
    // Storage can be full or disabled; the user then lands on the inbox, which loses nothing stored.
  }
}

/** The remembered route, once: it is forgotten as it is read. */
export function takeRememberedRoute(): string | undefined {
  try {
    const route = window.sessionStorage.getItem(KEY);
    window.sessionStorage.removeItem(KEY);
    return route ?? undefined;
  } catch {
    return undefined;
  }
}

export function forgetRememberedRoute(): void {
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {
    // Nothing was stored.
  }
}
