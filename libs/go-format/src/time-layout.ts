// Go's time.Time.Format: a layout is the reference time, Mon Jan 2 15:04:05 MST 2006,
// written the way the output should look; each element of it stands for a field.

export interface Zone {
  /** Abbreviation printed by "MST" ("UTC", "CEST"); '' prints the numeric offset instead. */
  readonly name: string;
  /** Seconds east of UTC. */
  readonly offset: number;
}

export const UTC: Zone = { name: 'UTC', offset: 0 };

/** time.RFC3339 and time.RFC3339Nano (the form encoding/json writes a time.Time in). */
export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339Nano = '2006-01-02T15:04:05.999999999Z07:00';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, width: number, fill = '0'): string {
  const s = String(Math.abs(n)).padStart(width, fill);
  return n < 0 ? `-${s}` : s;
}

/** Civil fields of an instant in a zone. */
export interface Civil {
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

/** The fields of `c` in `zone` laid out as `layout` shows the reference time. */
export function formatLayout(c: Civil, zone: Zone, layout: string): string {
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
