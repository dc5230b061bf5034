// Live updates of the mail views: GET /api/v1/mail/events while the page is visible, reopened by the next click or key press after it ends.
import { useEffect, useRef } from 'react';

/**
 * GET /api/v1/mail/events while the page is visible. A `mailbox` event calls onMailbox; `end`
 * closes the stream, and the next click or key press opens it again (that request also checks the
 * session, so an idle tab times out instead of being kept alive by the stream).
 */
export function useMailEvents(onMailbox: (name: string) => void): void {
  const handler = useRef(onMailbox);
  useEffect(() => {
    handler.current = onMailbox;
  }, [onMailbox]);
  useEffect(() => {
    let source: EventSource | undefined;
    let ended = false;
    const open = (): void => {
      if (source || document.visibilityState !== 'visible') return;
      ended = false;
      source = new EventSource('/api/v1/mail/events');
      source.addEventListener('mailbox', (event) => {
        try {
          const data = JSON.parse((event as MessageEvent<string>).data) as { name?: unknown };
          if (typeof data.name === 'string') handler.current(data.name);
        } catch {
          // A malformed event changes nothing.
        }
      });
      source.addEventListener('folders', () => handler.current(''));
      // A refused reconnect (the session ended) leaves the stream closed for good; the next user
      // action tries again, and its API requests show the sign-in page if the session is gone.
      source.addEventListener('error', () => {
        if (source?.readyState === EventSource.CLOSED) close();
      });
      source.addEventListener('end', () => {
        ended = true;
        close();
      });
    };
    const close = (): void => {
      source?.close();
      source = undefined;
    };
    const onVisibility = (): void => {
      if (document.visibilityState === 'visible' && !ended) open();
      else if (document.visibilityState !== 'visible') close();
    };
    const onAction = (): void => {
      if (!source) open();
    };
    open();
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pointerdown', onAction);
    window.addEventListener('keydown', onAction);
    return () => {
      close();
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pointerdown', onAction);
      window.removeEventListener('keydown', onAction);
    };
  }, []);
}
