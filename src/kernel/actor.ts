// Who asks for a security-relevant change, and from where: every audited action names one.
/** Who asks, from where: 'user:<address>' from the web, 'admin:cli' from the command line. */
export interface Actor {
  actor: string;
  ip?: string;
  /** The session making the change, which a revocation spares. */
  sessionId?: string;
}
