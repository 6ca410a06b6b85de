import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 };
const MIN_SIZE = { width: 800, height: 560 };

function isRect(value: unknown): value is Rect {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return ['x', 'y', 'width', 'height'].every((k) => Number.isSafeInteger(r[k]));
}

/**
 * Where the window reopens: the saved bounds if they still overlap a display by a usable
 * amount (a monitor may have been unplugged since), otherwise centred defaults.
 */
export function restoreBounds(
  saved: WindowState | null,
  workAreas: readonly Rect[],
): Partial<Rect> & { width: number; height: number } {
  if (!saved) return { ...DEFAULT_SIZE };
  const width = Math.max(MIN_SIZE.width, saved.bounds.width);
  const height = Math.max(MIN_SIZE.height, saved.bounds.height);
  const visible = workAreas.some((area) => {
    const overlapX =
      Math.min(saved.bounds.x + width, area.x + area.width) - Math.max(saved.bounds.x, area.x);
    const overlapY =
      Math.min(saved.bounds.y + height, area.y + area.height) - Math.max(saved.bounds.y, area.y);
    return overlapX >= 100 && overlapY >= 50;
  });
  return visible ? { x: saved.bounds.x, y: saved.bounds.y, width, height } : { width, height };
}

export function loadWindowState(file: string): WindowState | null {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (!isRect(raw.bounds)) return null;
    return { bounds: raw.bounds, maximized: raw.maximized === true };
  } catch {
    return null;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}
