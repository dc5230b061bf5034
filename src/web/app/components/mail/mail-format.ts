// How the mail views write sizes and folder names in the user's language, and how a file becomes base64 for the compose form.
import { APIError } from '../../api.js';
import { i18n } from '../../i18n/index.js';
import type { ComposeAttachment, SpecialFolder } from './mail-types.js';
import { SPECIAL_FOLDERS } from './mail-types.js';

/** "512 bytes", "12 KB", "3.4 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return i18n.t('mail.size.bytes', { size: String(bytes) });
  if (bytes < 1024 * 1024) return i18n.t('mail.size.kb', { size: String(Math.ceil(bytes / 1024)) });
  return i18n.t('mail.size.mb', { size: (bytes / (1024 * 1024)).toFixed(1) });
}

function isSpecialName(name: string): name is SpecialFolder {
  return (SPECIAL_FOLDERS as readonly string[]).includes(name);
}

/** The folders every account has, in the user's language; the user's own folders keep their names. */
export function folderLabel(name: string): string {
  return isSpecialName(name) ? i18n.t(`mail.folders.special.${name}`) : name;
}

/** Base64 of some bytes, in slices so a large file does not overflow the call stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export async function fileAttachment(file: File): Promise<ComposeAttachment> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { filename: file.name, contentType: file.type || 'application/octet-stream', base64: toBase64(bytes), size: bytes.length };
}

/** The attachments of a stored message (a forward or a reopened draft carries them), read through the attachment route. */
export async function storedAttachments(
  base: string,
  uid: number,
  attachments: ReadonlyArray<{ index: number; filename: string; contentType: string }>,
): Promise<ComposeAttachment[]> {
  return Promise.all(
    attachments.map(async (a) => {
      const response = await fetch(`${base}/${uid}/attachments/${a.index}`, { credentials: 'same-origin', cache: 'no-store' });
      if (!response.ok) {
        const body = (await response.json().catch(() => undefined)) as { code?: unknown; message?: unknown } | undefined;
        throw new APIError({
          status: response.status,
          code: typeof body?.code === 'string' ? body.code : 'INTERNAL',
          message: typeof body?.message === 'string' ? body.message : i18n.t('common.errors.http', { status: response.status }),
        });
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { filename: a.filename, contentType: a.contentType, base64: toBase64(bytes), size: bytes.length };
    }),
  );
}
