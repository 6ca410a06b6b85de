import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MethodOutput } from '../../shared/contract/types.ts';
import { deskContract } from '../../shared/contract/deskContract.ts';

export type DeskSettings = MethodOutput<'settings.get'>;

export const DEFAULT_SETTINGS: DeskSettings = { locale: 'zh-CN', serverUrl: null };

/**
 * Desk settings as a small JSON file in the user's data folder. A missing or damaged file means
 * defaults (settings are preferences, never money); writes go through a rename so a crash never
 * leaves half a file.
 */
export function createSettingsStore(file: string | null) {
  let current = load();

  function load(): DeskSettings {
    if (!file) return { ...DEFAULT_SETTINGS };
    try {
      const parsed = deskContract['settings.get'].output.safeParse(
        JSON.parse(readFileSync(file, 'utf8')),
      );
      return parsed.success ? parsed.data : { ...DEFAULT_SETTINGS };
    } catch {
      return { ...DEFAULT_SETTINGS };
    }
  }

  return {
    get: (): DeskSettings => ({ ...current }),
    update(patch: Partial<DeskSettings>): DeskSettings {
      const next = { ...current };
      if (patch.locale !== undefined) next.locale = patch.locale;
      if (patch.serverUrl !== undefined) next.serverUrl = patch.serverUrl;
      if (file) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(`${file}.tmp`, JSON.stringify(next, null, 2));
        renameSync(`${file}.tmp`, file);
      }
      current = next;
      return { ...current };
    },
  };
}
