// The functions Alertmanager gives notification templates (template.DefaultFuncs). Data
// such as .Alerts.Firing, .CommonLabels.SortedPairs or .StartsAt comes with the data
// itself (methods of its classes; see @metrics-hub/go-format's values.ts), not from here.

import { GoDuration, GoTime, marshalJSON, queryUnescape, UTC, type Zone } from '@metrics-hub/go-format';
import { expectString, expectStrings, signature, wrongType, type TemplateFunction } from '@metrics-hub/go-template';
import { humanizeDuration } from './prometheus-funcs.ts';
import { matchString, replaceAll } from './regexp.ts';
import { title, toLower, toUpper, trimSpace } from './strings.ts';

function expectTime(v: unknown): GoTime {
  if (!(v instanceof GoTime)) throw wrongType('time.Time', v);
  return v;
}

/**
 * time.LoadLocation through Intl's time zone data. Offsets are exact; abbreviations are
 * what Intl knows ("EST", "GMT"), else the offset as tzdata writes numeric ones ("+01"
 * where Go would say "CET").
 */
export function zoneAt(name: string, t: GoTime): Zone {
  if (name === '' || name === 'UTC') return UTC;
  let format: (d: Date) => Intl.DateTimeFormatPart[];
  let short: (d: Date) => Intl.DateTimeFormatPart[];
  try {
    const tz = name === 'Local' ? undefined : name;
    format = (d) => new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(d);
    short = (d) => new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' }).formatToParts(d);
    format(new Date(0));
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
  const date = new Date(Number(t.UnixMilli()));
  const offsetText = format(date).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(offsetText);
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  let abbreviation = short(date).find((p) => p.type === 'timeZoneName')?.value ?? '';
  if (/^GMT[+-]/.test(abbreviation)) {
    const hours = Math.trunc(Math.abs(offset) / 3600);
    const minutes = Math.trunc(Math.abs(offset) / 60) % 60;
    abbreviation = `${offset < 0 ? '-' : '+'}${String(hours).padStart(2, '0')}${minutes ? String(minutes).padStart(2, '0') : ''}`;
  }
  return { name: abbreviation, offset };
}

/** Alertmanager's default template functions. */
export function alertmanagerFuncs(now: () => number = Date.now): Record<string, TemplateFunction> {
  return {
    toUpper: signature(1, (s: unknown) => toUpper(expectString(s))),
    toLower: signature(1, (s: unknown) => toLower(expectString(s))),
    title: signature(1, (s: unknown) => title(expectString(s), true)),
    trimSpace: signature(1, (s: unknown) => trimSpace(expectString(s))),
    // Alertmanager swaps strings.Join's arguments so that a list can be piped in.
    join: signature(2, (sep: unknown, list: unknown) => expectStrings(list).join(expectString(sep))),
    match: signature(2, (pattern: unknown, text: unknown) => matchString(expectString(pattern), expectString(text))),
    safeHtml: signature(1, (text: unknown) => expectString(text)),
    safeUrl: signature(1, (text: unknown) => expectString(text)),
    urlUnescape: signature(1, (s: unknown) => queryUnescape(expectString(s))),
    reReplaceAll: signature(3, (pattern: unknown, repl: unknown, text: unknown) =>
      replaceAll(expectString(pattern), expectString(repl), expectString(text)),
    ),
    stringSlice: signature(0, (...s: unknown[]) => s.map(expectString), true),
    date: signature(2, (layout: unknown, t: unknown) => expectTime(t).Format(expectString(layout))),
    tz: signature(2, (name: unknown, t: unknown) => {
      const time = expectTime(t);
      return new GoTime(time.unixNanos, zoneAt(expectString(name), time));
    }),
    since: signature(1, (t: unknown) => new GoDuration(BigInt(Math.trunc(now())) * 1_000_000n - expectTime(t).unixNanos)),
    humanizeDuration: signature(1, humanizeDuration),
    toJson: signature(1, (v: unknown) => marshalJSON(v)),
  };
}

export const ALERTMANAGER_FUNCS: Readonly<Record<string, TemplateFunction>> = Object.freeze(alertmanagerFuncs());
