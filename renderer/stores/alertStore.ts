import { createStore } from 'zustand/vanilla';
import type { DeskApi, TopicPayload } from '../../shared/contract/types.ts';
import type { Translator } from '../i18n/translate.ts';

export type DeskAlert = TopicPayload<'desk.alert'>['alerts'][number];

/** Where this computer keeps the seller's choice (per browser profile / desk window). */
const PREFS_KEY = 'escrow-desk.alerts';

export interface AlertState {
  /** Raise a desktop notification for new payments and refund requests. */
  desktop: boolean;
  /** Also play a short sound. */
  sound: boolean;
  /** The last alerts heard, newest first (the page's own record; at most 20). */
  recent: DeskAlert[];
  setDesktop(on: boolean): Promise<void>;
  setSound(on: boolean): void;
  /** Raises the notification (and sound) for alerts the core reported. */
  raise(alerts: DeskAlert[], tr: Translator): Promise<void>;
}

interface Prefs {
  desktop: boolean;
  sound: boolean;
}

function loadPrefs(): Prefs {
  try {
    const raw = globalThis.localStorage?.getItem(PREFS_KEY);
    const v = raw ? (JSON.parse(raw) as Partial<Prefs>) : {};
    return { desktop: v.desktop !== false, sound: v.sound === true };
  } catch {
    return { desktop: true, sound: false };
  }
}

function savePrefs(p: Prefs): void {
  try {
    globalThis.localStorage?.setItem(PREFS_KEY, JSON.stringify(p));
  } catch {
    // A page without storage keeps the choice for this session only.
  }
}

/** A short two-tone chime made on the spot (no audio file to ship or load). */
function chime(): void {
  const Ctx = globalThis.AudioContext;
  if (!Ctx) return;
  const ctx = new Ctx();
  const at = ctx.currentTime;
  [880, 660].forEach((hz, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = hz;
    gain.gain.setValueAtTime(0.15, at + i * 0.15);
    gain.gain.exponentialRampToValueAtTime(0.001, at + i * 0.15 + 0.14);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at + i * 0.15);
    osc.stop(at + i * 0.15 + 0.15);
  });
  setTimeout(() => void ctx.close(), 600);
}

/** The notification's text: one alert named, several counted. */
export function alertText(alerts: DeskAlert[], tr: Translator): { title: string; body: string } {
  const paid = alerts.filter((a) => a.kind === 'paid_order');
  const refunds = alerts.filter((a) => a.kind === 'refund_requested');
  const one = alerts.length === 1 ? alerts[0] : undefined;
  if (one) {
    return {
      title: tr.t(one.kind === 'paid_order' ? 'alert.paidOne' : 'alert.refundOne'),
      body: tr.t('alert.body', {
        orderId: one.orderId,
        amount: tr.money(one.amountFen, one.currency),
        title: one.title,
      }),
    };
  }
  return {
    title: tr.t('alert.many', { paidCount: paid.length, requestCount: refunds.length }),
    body: alerts
      .slice(0, 5)
      .map((a) => `${a.orderId} · ${tr.money(a.amountFen, a.currency)}`)
      .join('\n'),
  };
}

/**
 * New paid orders and refund requests, as the seller hears them: a desktop notification through
 * the shell (Electron's Notification), or the browser's own in web mode, and an optional sound.
 */
export function createAlertStore(desk: DeskApi) {
  return createStore<AlertState>()((set, get) => ({
    ...loadPrefs(),
    recent: [],
    async setDesktop(on) {
      // The browser asks its user once; a refusal leaves notifications off.
      if (on && typeof Notification !== 'undefined' && Notification.permission === 'default') {
        await Notification.requestPermission().catch(() => 'denied');
      }
      set({ desktop: on });
      savePrefs({ desktop: on, sound: get().sound });
    },
    setSound(on) {
      set({ sound: on });
      savePrefs({ desktop: get().desktop, sound: on });
    },
    async raise(alerts, tr) {
      if (alerts.length === 0) return;
      set((s) => ({ recent: [...alerts.slice().reverse(), ...s.recent].slice(0, 20) }));
      if (get().sound) chime();
      if (!get().desktop) return;
      const text = alertText(alerts, tr);
      const shown = await desk.shell.notify(text);
      if (shown.ok) return;
      if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
        new Notification(text.title, { body: text.body, tag: alerts[0]?.orderId });
      }
    },
  }));
}

export type AlertStore = ReturnType<typeof createAlertStore>;
