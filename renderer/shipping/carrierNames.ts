import { CARRIER_IDS } from '../../shared/shipping/carriers.ts';
import { catalogEn } from '../i18n/catalogEn.ts';
import { catalogZhCN } from '../i18n/catalogZhCN.ts';
import { catalogZhTW } from '../i18n/catalogZhTW.ts';

/**
 * Which carrier a CSV cell names: its code (`sf`), or its name as the desk shows it in any of
 * its languages (顺丰速运, 順豐速運, SF Express), or that name without the generic word a
 * spreadsheet may add or drop (顺丰, 顺丰快递, 中通快递 → 中通). The names come from the
 * catalogs, so a carrier renamed there is still recognised here.
 */

/** Generic words that do not tell carriers apart, dropped before comparing. */
const GENERIC =
  /(有限公司|股份|集团|快递|快遞|速运|速運|速递|速遞|物流|express|logistics|delivery|ltd)$/;

/** Case, width (ＳＦ) and spacing differences do not matter. */
export function carrierKey(text: string): string {
  let key = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s.,()（）·_-]+/g, '');
  for (let prev = ''; prev !== key && GENERIC.test(key);) {
    prev = key;
    key = key.replace(GENERIC, '');
  }
  return key;
}

/** A few names people write that no catalog shows. */
const EXTRA_NAMES: Record<string, string[]> = {
  sf: ['顺丰', '順豐', 'shunfeng'],
  zto: ['中通', 'zhongtong'],
  yto: ['圆通', '圓通', 'yuantong'],
  sto: ['申通', 'shentong'],
  yunda: ['韵达', '韻達'],
  jd: ['京东', '京東', 'jdl'],
  ems: ['邮政ems', '郵政ems', '中国邮政ems'],
  chinapost: ['邮政', '郵政', '中国邮政', '中華郵政', 'chinapost'],
};

function buildIndex(): Map<string, string> {
  const index = new Map<string, string>();
  for (const id of CARRIER_IDS) {
    const key = `carrier.${id}` as keyof typeof catalogEn;
    const names = [
      id,
      catalogEn[key],
      catalogZhCN[key],
      catalogZhTW[key],
      ...(EXTRA_NAMES[id] ?? []),
    ];
    // "SF Express 顺丰": the English and Chinese halves are each a name too.
    for (const name of names.flatMap((n) => [n, ...n.split(/\s+(?=[^\p{ASCII}])/u)])) {
      const k = carrierKey(name);
      if (k !== '' && !index.has(k)) index.set(k, id);
    }
  }
  return index;
}

let index: Map<string, string> | null = null;

/** The carrier code the cell names, or null when it names none. */
export function carrierFromName(text: string): string | null {
  index ??= buildIndex();
  return index.get(carrierKey(text)) ?? null;
}
