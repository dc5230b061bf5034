// Makes a SQLite database file (and the -wal, -shm and -journal files beside it) readable and writable by the owner only.
import fs from 'node:fs';

/** The files SQLite keeps beside a database; they hold the same data (the WAL holds recent commits in full). */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/**
 * Run before SQLite opens `file`. SQLite creates a new database with mode 0644 less the umask, so
 * in a data directory others may enter, every local user could read password hashes and the search
 * text of every message. The file is created here with 0600 instead, and an existing one (from an
 * older version or a copy) is set to 0600. SQLite gives the -wal and -shm files it creates later,
 * lazily, the mode of the database file itself, whatever the umask: setting the main file is what
 * keeps them private too. Those left by an earlier run are set here as well.
 */
export function preparePrivateDatabaseFile(file: string): void {
  if (process.platform === 'win32') return;
  fs.closeSync(fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o600));
  fs.chmodSync(file, 0o600);
  for (const suffix of SIDE_FILES) {
    try {
      fs.chmodSync(file + suffix, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
