// A small history router: the current route as React state, and navigation without a page load (the server answers every page with index.html).
import { useSyncExternalStore } from 'react';

const CHANGE = 'mailward:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

/** The path and query of the page now shown, e.g. "/settings/security/devices". */
export function currentRoute(): string {
  return window.location.pathname + window.location.search;
}

export function useRoute(): string {
  return useSyncExternalStore(subscribe, currentRoute);
}

/** Only paths of this site: a route read back from storage must never lead elsewhere. */
export function isLocalRoute(route: string): boolean {
  return route.startsWith('/') && !route.startsWith('//') && !route.startsWith('/\\');
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (!isLocalRoute(to) || to === currentRoute()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}
