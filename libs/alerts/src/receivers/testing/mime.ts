// Just enough MIME to read back what nodemailer sent: headers (unfolded, encoded words
// decoded) and the parts of a multipart/alternative body, transfer encoding undone.

export interface MimePart {
  headers: Map<string, string>;
  body: string;
}

export interface MimeMessage extends MimePart {
  /** The parts of a multipart body, or the message itself. */
  parts: MimePart[];
}

export function parseMessage(raw: string): MimeMessage {
  const top = parsePart(raw);
  const type = top.headers.get('content-type') ?? '';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!type.toLowerCase().startsWith('multipart/') || !boundary) return { ...top, parts: [top] };
  const sections = top.body.split(`--${boundary}`).slice(1);
  // The line break before a boundary belongs to the boundary (RFC 2046 5.1.1).
  const parts = sections.filter((s) => !s.startsWith('--')).map((s) => parsePart(s.replace(/^\r?\n/, '').replace(/\r?\n$/, '')));
  return { ...top, parts };
}

function parsePart(raw: string): MimePart {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const rest = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  let body = rest;
  if (encoding === 'quoted-printable') body = decodeQuotedPrintable(rest);
  else if (encoding === 'base64') body = Buffer.from(rest.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

function decodeQuotedPrintable(s: string): string {
  const soft = s.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  const chars = [...soft];
  for (let i = 0; i < chars.length; i++) {
    const hex = chars[i] === '=' ? chars.slice(i + 1, i + 3).join('') : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(chars[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeWords(s: string): string {
  return s.replace(/=\?utf-8\?([qb])\?([^?]*)\?=\s*(?==\?)?/gi, (_, enc: string, text: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}
