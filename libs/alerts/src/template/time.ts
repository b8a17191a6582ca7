// Go's time.Time and time.Duration as templates see them: printed by their String methods
// ("2015-06-23 13:19:44.128 +0000 UTC", "1h2m3.5s"), with the methods templates call
// (.Format "2006-01-02", .Unix, .UTC, .Seconds, ...). Prometheus's toTime and
// humanizeTimestamp, and Alertmanager's .StartsAt and date/tz/since, produce these.

const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_MS = 1_000_000n;

export interface Zone {
  /** Abbreviation printed by "MST" ("UTC", "CEST"); '' prints the numeric offset instead. */
  readonly name: string;
  /** Seconds east of UTC. */
  readonly offset: number;
}

export const UTC: Zone = { name: 'UTC', offset: 0 };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function pad(n: number, width: number, fill = '0'): string {
  const s = String(Math.abs(n)).padStart(width, fill);
  return n < 0 ? `-${s}` : s;
}

/** Civil fields of an instant in a zone. */
interface Civil {
  year: number;
  month: number;
  day: number;
  yday: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
}

export class GoTime {
  static readonly goTypeName = 'time.Time';

  /** Go's zero time, 0001-01-01 00:00:00 UTC (Alertmanager's EndsAt of a firing alert). */
  static readonly zero = new GoTime(-62135596800n * NS_PER_SECOND);

  constructor(
    /** Nanoseconds since the Unix epoch. */
    readonly unixNanos: bigint,
    readonly zone: Zone = UTC,
  ) {}

  static fromMillis(ms: number, zone: Zone = UTC): GoTime {
    return new GoTime(BigInt(Math.trunc(ms)) * NS_PER_MS, zone);
  }

  private civil(): Civil {
    const local = this.unixNanos + BigInt(this.zone.offset) * NS_PER_SECOND;
    const secs = floorDiv(local, NS_PER_SECOND);
    const nanosecond = Number(local - secs * NS_PER_SECOND);
    const days = Number(floorDiv(secs, 86400n));
    const daySecond = Number(secs - BigInt(days) * 86400n);
    const d = new Date(days * 86_400_000);
    const year = d.getUTCFullYear();
    // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
    const start = new Date(0);
    start.setUTCFullYear(year, 0, 1);
    const yday = Math.round((d.getTime() - start.getTime()) / 86_400_000) + 1;
    return {
      year,
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      yday,
      weekday: d.getUTCDay(),
      hour: Math.floor(daySecond / 3600),
      minute: Math.floor(daySecond / 60) % 60,
      second: daySecond % 60,
      nanosecond,
    };
  }

  /** "2006-01-02 15:04:05.999999999 -0700 MST", as fmt prints a time.Time. */
  String(): string {
    return this.Format('2006-01-02 15:04:05.999999999 -0700 MST');
  }

  /** Formats by Go's reference-time layout (Mon Jan 2 15:04:05 MST 2006). */
  Format(layout: string): string {
    return formatLayout(this.civil(), this.zone, layout);
  }

  UTC(): GoTime {
    return new GoTime(this.unixNanos, UTC);
  }

  Unix(): bigint {
    return floorDiv(this.unixNanos, NS_PER_SECOND);
  }

  UnixMilli(): bigint {
    return floorDiv(this.unixNanos, NS_PER_MS);
  }

  UnixNano(): bigint {
    return this.unixNanos;
  }

  IsZero(): boolean {
    return this.unixNanos === GoTime.zero.unixNanos;
  }

  Year(): bigint {
    return BigInt(this.civil().year);
  }

  Day(): bigint {
    return BigInt(this.civil().day);
  }

  Hour(): bigint {
    return BigInt(this.civil().hour);
  }

  Minute(): bigint {
    return BigInt(this.civil().minute);
  }

  Second(): bigint {
    return BigInt(this.civil().second);
  }

  Before(u: GoTime): boolean {
    return this.unixNanos < u.unixNanos;
  }

  After(u: GoTime): boolean {
    return this.unixNanos > u.unixNanos;
  }

  Equal(u: GoTime): boolean {
    return this.unixNanos === u.unixNanos;
  }

  Sub(u: GoTime): GoDuration {
    return new GoDuration(this.unixNanos - u.unixNanos);
  }

  Add(d: GoDuration): GoTime {
    return new GoTime(this.unixNanos + d.nanos, this.zone);
  }

  /** encoding/json's form: RFC 3339 with nanoseconds. */
  toJSON(): string {
    return this.Format('2006-01-02T15:04:05.999999999Z07:00');
  }
}

export class GoDuration {
  static readonly goTypeName = 'time.Duration';

  constructor(readonly nanos: bigint) {}

  /** time.Duration.String: "1h2m3.5s", "1.5ms", "0s". */
  String(): string {
    if (this.nanos === 0n) return '0s';
    const neg = this.nanos < 0n;
    let u = neg ? -this.nanos : this.nanos;
    let out: string;
    if (u < NS_PER_SECOND) {
      const [unit, prec] = u < 1000n ? ['ns', 0] : u < NS_PER_MS ? ['µs', 3] : ['ms', 6];
      out = fraction(u, prec) + unit;
    } else {
      out = `${fraction(u % (60n * NS_PER_SECOND), 9)}s`;
      u /= 60n * NS_PER_SECOND;
      if (u > 0n) {
        out = `${u % 60n}m${out}`;
        u /= 60n;
        if (u > 0n) out = `${u}h${out}`;
      }
    }
    return (neg ? '-' : '') + out;
  }

  Seconds(): number {
    return Number(this.nanos) / 1e9;
  }

  Minutes(): number {
    return Number(this.nanos) / 6e10;
  }

  Hours(): number {
    return Number(this.nanos) / 3.6e12;
  }

  Milliseconds(): bigint {
    return this.nanos / NS_PER_MS;
  }

  Nanoseconds(): bigint {
    return this.nanos;
  }
}

/** v / 10^prec with the fraction's trailing zeros (and a bare point) dropped. */
function fraction(v: bigint, prec: number): string {
  const scale = 10n ** BigInt(prec);
  const frac = (v % scale).toString().padStart(prec, '0').replace(/0+$/, '');
  return `${v / scale}${frac ? `.${frac}` : ''}`;
}

type Chunk =
  | { kind: 'literal'; text: string }
  | { kind: 'std'; std: string }
  | { kind: 'frac'; sep: string; digits: number; trim: boolean };

/** Layout elements, longer before their prefixes, as time.nextStdChunk tries them. */
const STD_ELEMENTS = [
  'January',
  'Monday',
  'Z07:00:00',
  '-07:00:00',
  'Z070000',
  '-070000',
  'Z07:00',
  '-07:00',
  'Z0700',
  '-0700',
  '2006',
  'Z07',
  '-07',
  'MST',
  '002',
  '__2',
  '_2',
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '15',
  'PM',
  'pm',
  '1',
  '2',
  '3',
  '4',
  '5',
];

/** Splits a layout into literals and Go's reference-time elements (time.nextStdChunk). */
function chunks(layout: string): Chunk[] {
  const out: Chunk[] = [];
  let literal = '';
  const flush = () => {
    if (literal) out.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let i = 0; i < layout.length; ) {
    const rest = layout.slice(i);
    // "Jan" and "Mon" count only when no lower-case letter follows ("Janet" is text).
    if (rest.startsWith('Jan') && !rest.startsWith('January') && !/^[a-z]/.test(rest.slice(3))) {
      flush();
      out.push({ kind: 'std', std: 'Jan' });
      i += 3;
      continue;
    }
    if (rest.startsWith('Mon') && !rest.startsWith('Monday') && !/^[a-z]/.test(rest.slice(3))) {
      flush();
      out.push({ kind: 'std', std: 'Mon' });
      i += 3;
      continue;
    }
    const frac = /^([.,])(0+|9+)(?![0-9])/.exec(rest);
    if (frac) {
      flush();
      out.push({ kind: 'frac', sep: frac[1], digits: frac[2].length, trim: frac[2][0] === '9' });
      i += frac[0].length;
      continue;
    }
    if (rest.startsWith('_2006')) {
      literal += '_';
      i++;
      continue;
    }
    const std = STD_ELEMENTS.find((p) => rest.startsWith(p));
    if (std) {
      flush();
      out.push({ kind: 'std', std });
      i += std.length;
      continue;
    }
    literal += layout[i++];
  }
  flush();
  return out;
}

function zoneOffset(std: string, offset: number): string {
  const iso = std.startsWith('Z');
  if (iso && offset === 0) return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = pad(Math.floor(abs / 3600), 2);
  const mm = pad(Math.floor(abs / 60) % 60, 2);
  const ss = pad(abs % 60, 2);
  const body = std.slice(1);
  switch (body) {
    case '07':
      return sign + hh;
    case '0700':
      return sign + hh + mm;
    case '07:00':
      return `${sign}${hh}:${mm}`;
    case '070000':
      return sign + hh + mm + ss;
    default:
      return `${sign}${hh}:${mm}:${ss}`;
  }
}

function formatLayout(c: Civil, zone: Zone, layout: string): string {
  let out = '';
  for (const ch of chunks(layout)) {
    if (ch.kind === 'literal') {
      out += ch.text;
      continue;
    }
    if (ch.kind === 'frac') {
      if (ch.trim && c.nanosecond === 0) continue;
      let digits = pad(c.nanosecond, 9).slice(0, ch.digits);
      if (ch.trim) digits = digits.replace(/0+$/, '');
      if (digits) out += ch.sep + digits;
      continue;
    }
    const h12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
    switch (ch.std) {
      case '2006':
        out += pad(c.year, 4);
        break;
      case '06':
        out += pad(c.year % 100, 2);
        break;
      case 'January':
        out += MONTHS[c.month - 1];
        break;
      case 'Jan':
        out += MONTHS[c.month - 1].slice(0, 3);
        break;
      case '1':
        out += c.month;
        break;
      case '01':
        out += pad(c.month, 2);
        break;
      case 'Monday':
        out += DAYS[c.weekday];
        break;
      case 'Mon':
        out += DAYS[c.weekday].slice(0, 3);
        break;
      case '2':
        out += c.day;
        break;
      case '_2':
        out += pad(c.day, 2, ' ');
        break;
      case '02':
        out += pad(c.day, 2);
        break;
      case '__2':
        out += pad(c.yday, 3, ' ');
        break;
      case '002':
        out += pad(c.yday, 3);
        break;
      case '15':
        out += pad(c.hour, 2);
        break;
      case '3':
        out += h12;
        break;
      case '03':
        out += pad(h12, 2);
        break;
      case '4':
        out += c.minute;
        break;
      case '04':
        out += pad(c.minute, 2);
        break;
      case '5':
        out += c.second;
        break;
      case '05':
        out += pad(c.second, 2);
        break;
      case 'PM':
        out += c.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += c.hour >= 12 ? 'pm' : 'am';
        break;
      case 'MST':
        out += zone.name || zoneOffset('-0700', zone.offset);
        break;
      default:
        out += zoneOffset(ch.std, zone.offset);
    }
  }
  return out;
}
