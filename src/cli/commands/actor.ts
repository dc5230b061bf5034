// The actor the audit log names for changes made from the command line.
import os from 'node:os';

function systemUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // Containers may run under a uid without a passwd entry.
    return String(process.getuid?.() ?? 'unknown');
  }
}

export const CLI_ACTOR = { actor: `admin:cli:${systemUser()}` };
