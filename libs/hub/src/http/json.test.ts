import type { ServerResponse } from 'node:http';
import type { HubError, TokenRevoked } from '@metrics-hub/hub-api';
import { describe, expect, it } from 'vitest';
import { fail, json } from './json.ts';

function fakeResponse() {
  const sent = { status: 0, headers: {} as Record<string, string>, body: '' };
  const res = {
    writeHead(status: number, headers: Record<string, string>) {
      sent.status = status;
      sent.headers = headers;
    },
    end(body: string) {
      sent.body = body;
    },
  } as unknown as ServerResponse;
  return { res, sent };
}

describe('json', () => {
  it('answers with the body as JSON', () => {
    const { res, sent } = fakeResponse();
    expect(json<TokenRevoked>(res, 200, { agentId: 'web-1', revoked: true })).toBe(true);
    expect(sent).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"agentId":"web-1","revoked":true}' });
    fail(res, 404, 'no such agent');
    expect(JSON.parse(sent.body) as HubError).toEqual({ error: 'no such agent' });
  });

  it('does not compile without the answer type, nor with a body of another shape', () => {
    // Type checks only (tsc -p libs/hub/tsconfig.json): never called.
    const unchecked = (res: ServerResponse) => {
      // @ts-expect-error an answer must name its type from @metrics-hub/hub-api
      json(res, 200, { agentId: 'web-1', revoked: true });
      // @ts-expect-error the field is `revoked`
      json<TokenRevoked>(res, 200, { agentId: 'web-1', revokd: true });
    };
    expect(typeof unchecked).toBe('function');
  });
});
