import { Notification } from 'electron';
import { ok } from '../../shared/errors.ts';
import type { Result } from '../../shared/errors.ts';

/**
 * `shell.notify` in the desktop app: an OS notification (Windows toast, macOS Notification
 * Center) with the text the page composed in the user's language. Clicking it brings the desk
 * window forward. Answers shown: false where the OS offers none (some Linux desktops).
 */
export function showDesktopNotice(
  input: { title: string; body: string },
  focusWindow: () => void,
): Result<{ shown: boolean }> {
  if (!Notification.isSupported()) return ok({ shown: false });
  const notice = new Notification({ title: input.title, body: input.body, silent: true });
  notice.on('click', focusWindow);
  notice.show();
  return ok({ shown: true });
}
