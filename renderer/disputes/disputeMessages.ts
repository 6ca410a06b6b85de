import type { MessageKey } from '../i18n/catalogEn.ts';
import type { Params, Translator } from '../i18n/translate.ts';

/**
 * The dispute desk's strings live in the one catalog per language (`renderer/i18n/catalog*.ts`)
 * under `dispute.`; `dt('queue.title')` is `tr.t('dispute.queue.title')`, so the dispute views
 * use the same ICU translate function as the rest of the desk.
 */
type WithoutPrefix<K> = K extends `dispute.${infer Rest}` ? Rest : never;
export type DisputeKey = WithoutPrefix<MessageKey>;

export type DisputeText = (key: DisputeKey, params?: Params) => string;

export function disputeText(tr: Translator): DisputeText {
  return (key, params) => tr.t(`dispute.${key}`, params);
}
