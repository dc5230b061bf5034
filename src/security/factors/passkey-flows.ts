// WebAuthn ceremonies in the shared state: each challenge kept until one verification takes it, on whichever node.
import { randomBytes } from 'node:crypto';
import type { StateStore } from '../../shared-state/index.js';

/**
 * A ceremony must be finished within this time, and its challenge is good for one verification:
 * an assertion captured on the way (a phishing proxy, a log) is worthless once used or late.
 */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60_000;

const FLOW_PREFIX = 'passkey-flow:';
/** flowIds are 32 random bytes in base64url; anything else is refused before the shared state is asked. */
const FLOW_ID = /^[A-Za-z0-9_-]{43}$/;

export interface PasskeyFlow {
  kind: 'registration' | 'authentication';
  challenge: string;
  /** The account the ceremony is for; absent for a password-less (discoverable) sign-in. */
  accountId?: number;
  /** Registration: the WebAuthn user.id the new credential is made for. */
  userHandle?: string;
  userVerification: 'preferred' | 'required';
}

export class PasskeyFlows {
  constructor(private readonly state: Pick<StateStore, 'update'>) {}

  /** Keeps a ceremony under a new flowId for PASSKEY_CHALLENGE_TTL_MS. */
  async save(flow: PasskeyFlow, now: number): Promise<{ flowId: string; expiresAt: number }> {
    const flowId = randomBytes(32).toString('base64url');
    await this.state.update<PasskeyFlow>(FLOW_PREFIX + flowId, now, () => ({ value: flow, ttlMs: PASSKEY_CHALLENGE_TTL_MS }));
    return { flowId, expiresAt: now + PASSKEY_CHALLENGE_TTL_MS };
  }

  /**
   * Takes a flow out of the shared state in one atomic update (read and delete together), so two
   * verifications of one flowId — on one node or two — cannot both get its challenge.
   */
  async take(flowId: string, kind: PasskeyFlow['kind'], now: number): Promise<PasskeyFlow | undefined> {
    if (typeof flowId !== 'string' || !FLOW_ID.test(flowId)) return undefined;
    let taken: PasskeyFlow | undefined;
    await this.state.update<PasskeyFlow>(FLOW_PREFIX + flowId, now, (current) => {
      taken = current ?? undefined;
      return undefined;
    });
    return taken?.kind === kind ? taken : undefined;
  }
}
