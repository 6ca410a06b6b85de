import type { Page } from '@playwright/test';

/**
 * The elements a person must be able to read or press whole: headings, buttons (Agree, Refuse,
 * Ship…), navigation, amounts and counts, cards' figures, form fields, notices, the footer.
 */
const KEY_ELEMENTS = [
  'h1',
  'h2',
  'button',
  'select',
  'input:not([type="checkbox"]):not([type="radio"])',
  '.nav-item',
  '.card-value',
  '.badge',
  'td.num',
  '[role="gridcell"]',
  '[data-testid="shortcuts"]',
  '[role="status"]',
].join(',');

/**
 * Measures the page as laid out now and returns what does not fit, as readable lines:
 * - the page itself scrolls sideways (something is wider than the window);
 * - a key element reaches past the window's right edge (and no scrolling box holds it);
 * - a key element is cut by an ancestor that hides overflow (a squeezed column, a panel);
 * - a key element's own text is cut (a button or an amount shown as "¥1,2…").
 * Text in a grid cell counts when it is a figure (money, count, date); long item titles may
 * end in an ellipsis by design.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate((selector) => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1)
      out.push(`page scrolls sideways: ${doc.scrollWidth}px in a ${window.innerWidth}px window`);
    const describe = (el: Element) => {
      const id = el.getAttribute('data-testid');
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''} "${text}"`;
    };
    const figure = /^[-+]?(CN)?[¥$]?\s?[\d.,:/ -]+(%|笔|件|天|小时|h)?$/;
    for (const el of document.querySelectorAll(selector)) {
      if (!(el instanceof HTMLElement)) continue;
      if (el.closest('.sr-only, [hidden], [aria-hidden="true"]')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (el.getAttribute('role') === 'gridcell' && !figure.test((el.textContent ?? '').trim()))
        continue;
      let scroller: HTMLElement | null = null;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const s = getComputedStyle(a);
        const ox = s.overflowX;
        if (ox === 'auto' || ox === 'scroll') {
          scroller = a;
          break;
        }
        if (ox === 'hidden' || ox === 'clip') {
          const ar = a.getBoundingClientRect();
          if (r.left < ar.left - 1 || r.right > ar.right + 1) {
            out.push(`${describe(el)} is cut by ${describe(a).split(' ')[0]}.${a.className}`);
            break;
          }
        }
      }
      if (!scroller && r.right > window.innerWidth + 1)
        out.push(`${describe(el)} ends at ${Math.round(r.right)}px, past the window`);
      const own = getComputedStyle(el);
      const clips = own.overflowX === 'hidden' || own.overflowX === 'clip';
      if (clips && el.scrollWidth > el.clientWidth + 1)
        out.push(`${describe(el)} shows ${el.clientWidth}px of ${el.scrollWidth}px of text`);
    }
    return out;
  }, KEY_ELEMENTS);
}

export const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
] as const;
