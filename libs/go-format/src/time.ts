// Go's time.Time and time.Duration as templates see them: printed by their String methods
// ("2015-06-23 13:19:44.128 +0000 UTC", "1h2m3.5s"), with the methods templates call
// (.Format "2006-01-02", .Unix, .UTC, .Seconds, ...). Prometheus's toTime and
// humanizeTimestamp, and Alertmanager's .StartsAt and date/tz/since, produce these.

import { formatLayout, RFC3339Nano, UTC, type Civil, type Zone } from './time-layout.ts';

const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_MS = 1_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
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
    return this.Format(RFC3339Nano);
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
