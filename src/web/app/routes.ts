// The webmail's pages and their paths; the Mailbox Security menu is built from this list in its order.
import type { en as COMMON } from './i18n/messages/common.js';

export const ROUTES = {
  signIn: '/sign-in',
  forgotPassword: '/forgot-password',
  resetPassword: '/reset-password',
  verifyAlternateEmail: '/verify-alternate-email',
  mail: '/mail',
  checkup: '/settings/security',
  loginRecords: '/settings/security/login-records',
  password: '/settings/security/password',
  securityCode: '/settings/security/security-code',
  services: '/settings/security/services',
  devices: '/settings/security/devices',
  twoFactor: '/settings/security/two-factor',
  appPasswords: '/settings/security/app-passwords',
  passkeys: '/settings/security/passkeys',
  alternateEmail: '/settings/security/alternate-email',
  notifications: '/settings/security/notifications',
  profile: '/settings/profile',
  forwarding: '/settings/forwarding',
} as const;

/** Personal Settings → Mailbox Security, as users know it from other webmail suites; `page` names its title in common.pages. */
/** A page in a Personal Settings menu: its path, and its title's key in common.pages. */
export interface PageLink {
  path: string;
  page: keyof typeof COMMON.pages;
}

export const SECURITY_PAGES: ReadonlyArray<PageLink> = [
  { path: ROUTES.checkup, page: 'checkup' },
  { path: ROUTES.loginRecords, page: 'loginRecords' },
  { path: ROUTES.password, page: 'password' },
  { path: ROUTES.securityCode, page: 'securityCode' },
  { path: ROUTES.services, page: 'services' },
  { path: ROUTES.devices, page: 'devices' },
  { path: ROUTES.twoFactor, page: 'twoFactor' },
  { path: ROUTES.passkeys, page: 'passkeys' },
  { path: ROUTES.appPasswords, page: 'appPasswords' },
  { path: ROUTES.alternateEmail, page: 'alternateEmail' },
  { path: ROUTES.notifications, page: 'notifications' },
];

/** Personal Settings → Settings: the account's own settings outside Mailbox Security. */
export const SETTINGS_PAGES: ReadonlyArray<PageLink> = [
  { path: ROUTES.profile, page: 'profile' },
  { path: ROUTES.forwarding, page: 'forwarding' },
];

/**
 * Pages opened from links in mail (password reset, alternate-email check; their token is in the
 * fragment): shown signed in or out, and never redirected, which would drop the fragment.
 */
export const LINK_ROUTES: readonly string[] = [ROUTES.resetPassword, ROUTES.verifyAlternateEmail];

export function pathOf(route: string): string {
  return route.split(/[?#]/)[0] ?? '';
}

/** The way in: a signed-in user is sent on to the inbox. */
export function isSignInRoute(route: string): boolean {
  const path = pathOf(route);
  return path === '/' || path === ROUTES.signIn || path === ROUTES.forgotPassword;
}

export function isLinkRoute(route: string): boolean {
  return LINK_ROUTES.includes(pathOf(route));
}

/** Pages that need no session; the others are worth coming back to after signing in again. */
export function isPublicRoute(route: string): boolean {
  return isSignInRoute(route) || isLinkRoute(route);
}
