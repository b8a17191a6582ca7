// Settings' agent tokens: issue one (the token, agent config and install command shown once,
// with copy buttons), the list of tokens, and revoke after an inline confirmation. Problems
// go to the page's problem line.

import type { IssuedToken, TokenInfo } from '@metrics-hub/hub-api';
import { timeText } from '../../alerts/format.ts';
import { h, type ViewContext } from '../../shell/view.ts';

/** The token form, the slot where a new token shows once, and the token list, in page order. */
export function tokensPanel(ctx: ViewContext, problem: HTMLElement): HTMLElement[] {
  const issued = h('div', { class: 'issued-slot' });
  const tokens = h('div', { class: 'tokens-box' });
  const agentId = h('input', {
    name: 'agentId',
    placeholder: 'agent id, e.g. web-1',
    'aria-label': 'Agent id',
    pattern: '[A-Za-z0-9._\\-]+',
  });
  const create = h('button', { class: 'primary', type: 'submit', text: 'Create token' });
  const form = h('form', { class: 'row token-form' }, agentId, create);

  const loadTokens = async () => {
    try {
      const fleet = await ctx.api.fleet();
      if (!ctx.scope.disposed) tokens.replaceChildren(renderTokens(fleet.tokens, ctx, loadTokens, problem));
    } catch (e) {
      problem.textContent = (e as Error).message;
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = agentId.value.trim();
    if (!id) return;
    create.disabled = true;
    problem.textContent = '';
    ctx.api
      .issueToken(id)
      .then((t) => {
        issued.replaceChildren(renderIssued(t, () => issued.replaceChildren()));
        agentId.value = '';
        return loadTokens();
      })
      .catch((err: Error) => (problem.textContent = err.message))
      .finally(() => (create.disabled = false));
  });
  void loadTokens();
  return [form, issued, tokens];
}

function renderTokens(list: TokenInfo[], ctx: ViewContext, reload: () => Promise<void>, problem: HTMLElement): HTMLElement {
  if (!list.length) return h('p', { class: 'muted', text: 'No agent tokens yet. The local agent needs none.' });
  const body = h('tbody');
  for (const t of [...list].sort((a, b) => a.agentId.localeCompare(b.agentId))) {
    const cell = h('td', { class: 'actions' });
    if (t.revokedMs === undefined) {
      const revoke = h('button', { text: 'Revoke', 'data-action': 'revoke' });
      // An inline confirmation: native dialogs block Electron's renderer and tests.
      revoke.addEventListener('click', () => {
        const yes = h('button', { class: 'danger', text: `Revoke ${t.agentId}`, 'data-action': 'confirm-revoke' });
        const no = h('button', { text: 'Cancel' });
        yes.addEventListener('click', () => {
          yes.disabled = true;
          ctx.api.revokeToken(t.agentId).then(reload, (e: Error) => (problem.textContent = e.message));
        });
        no.addEventListener('click', () => cell.replaceChildren(revoke));
        cell.replaceChildren(h('span', { class: 'muted', text: 'The agent is disconnected and cannot reconnect. ' }), yes, ' ', no);
      });
      cell.append(revoke);
    }
    body.append(
      h(
        'tr',
        { class: `token ${t.revokedMs === undefined ? 'active' : 'revoked'}`, 'data-agent': t.agentId },
        h('td', {}, h('strong', { text: t.agentId })),
        h('td', { text: `issued ${timeText(t.issuedMs)}` }),
        h(
          'td',
          {},
          t.revokedMs === undefined
            ? h('span', { class: 'badge ok', text: 'active' })
            : h('span', { class: 'badge expired', text: `revoked ${timeText(t.revokedMs)}` }),
        ),
        cell,
      ),
    );
  }
  return h('table', { class: 'token-list' }, body);
}

/** The new token, once: the hub keeps only its hash. */
function renderIssued(t: IssuedToken, close: () => void): HTMLElement {
  const done = h('button', { text: 'I have copied it' });
  done.addEventListener('click', close);
  return h(
    'div',
    { class: 'panel once issued' },
    h('p', {}, h('strong', { text: `Token for ${t.agentId}` }), ' — shown only now; issuing again replaces it.'),
    copyable('Token', t.token, 'token'),
    copyable('Agent config (agent.yaml)', t.config, 'config'),
    copyable('Install command', t.installCommand, 'install'),
    done,
  );
}

function copyable(label: string, text: string, name: string): HTMLElement {
  const copy = h('button', { text: 'Copy', 'data-copy': name });
  copy.addEventListener('click', () => {
    navigator.clipboard.writeText(text).then(
      () => (copy.textContent = 'Copied'),
      () => (copy.textContent = 'Copy failed: select and copy by hand'),
    );
  });
  return h(
    'div',
    { class: `copy-block ${name}` },
    h('div', { class: 'row' }, h('span', { class: 'muted', text: label }), copy),
    h('pre', { class: 'copyable', text }),
  );
}
