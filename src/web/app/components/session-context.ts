// The signed-in account as every page sees it, and a way to read it again from the server.
import { createContext, useContext } from 'react';

export interface SessionInfo {
  address: string;
  displayName: string | null;
  mustChangePassword: boolean;
  mustEnrollTwoFactor: boolean;
  /** Set after a sign-in with a backup code: how many are left. */
  backupCodesRemaining?: number;
  /** The server asks to remind the user to make new backup codes. */
  remindBackupCodes?: boolean;
}

export interface SessionControls {
  session: SessionInfo;
  /** Reads GET /api/v1/session again (after enrolment, a password change). */
  refresh(): Promise<void>;
}

export const SessionContext = createContext<SessionControls | undefined>(undefined);

export function useSession(): SessionControls {
  const controls = useContext(SessionContext);
  if (!controls) throw new Error('useSession outside a signed-in page');
  return controls;
}
