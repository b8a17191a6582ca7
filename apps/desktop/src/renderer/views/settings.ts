// Settings: where agents connect (broker and HTTP addresses), agent tokens (issue: the
// token, agent config and install command shown once, with copy buttons; revoke after
// an inline confirmation), and what is configured in files (retention, receivers),
// read-only with where to change it; cold storage (what the archive folder holds, files
// found damaged, a check of every file); whole-hub snapshots (take, save a copy) and file
// imports, with progress and cancel.

import type { ArchiveStatus, IssuedToken, RemoteWriteStatus, TokenInfo } from '@metrics-hub/hub-api';
import { HubRequestError } from '../../common/transport.ts';
import { h, type View, type ViewContext } from '../shell/view.ts';
import { timeText } from '../alerts/format.ts';
import { formatValue } from '../charts/format.ts';
import type { PickedFile } from '../transfers/file-transfers.ts';
import { createTransferBar, failedText, savedText } from '../transfers/transfer-bar.ts';

export const settingsView: View = {
  id: 'settings',
  title: 'Settings',
  inNav: true,
  mount(root, ctx) {
    const problem = h('div', { class: 'error', role: 'alert' });
    const addresses = h('div', { class: 'panel addresses' }, h('p', { class: 'muted', text: 'Loading…' }));
    const issued = h('div', { class: 'issued-slot' });
    const tokens = h('div', { class: 'tokens-box' });
    const files = h('div', { class: 'panel files' });
    const archive = h('div', { class: 'panel archive' });
    const remoteWrite = h('div', { class: 'panel remote-write' });
    const agentId = h('input', {
      name: 'agentId',
      placeholder: 'agent id, e.g. web-1',
      'aria-label': 'Agent id',
      pattern: '[A-Za-z0-9._\\-]+',
    });
    const create = h('button', { class: 'primary', type: 'submit', text: 'Create token' });
    const form = h('form', { class: 'row token-form' }, agentId, create);
    const notifications = notificationsEditor(ctx);
    const cleanup: (() => void)[] = [];
    root.append(
      h('h1', { text: 'Settings' }),
      problem,
      h('h2', { text: 'Addresses' }),
      addresses,
      hubSettingsForm(ctx),
      h('h2', { text: 'Agent tokens' }),
      form,
      issued,
      tokens,
      h('h2', { text: 'Notifications: routes and receivers' }),
      notifications,
      h('h2', { text: 'Snapshots' }),
      snapshotsPanel(ctx, cleanup),
      h('h2', { text: 'Import data' }),
      importPanel(ctx, cleanup),
      h('h2', { text: 'Storage and alerting' }),
      files,
      h('h2', { text: 'Cold storage' }),
      archive,
      h('h2', { text: 'Remote write' }),
      remoteWrite,
    );

    let stopped = false;
    const loadTokens = async () => {
      try {
        const fleet = await ctx.api.fleet();
        if (!stopped) tokens.replaceChildren(renderTokens(fleet.tokens, ctx, loadTokens, problem));
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

    void (async () => {
      const [status, runtime, alerts] = await Promise.allSettled([ctx.api.status(), ctx.api.runtimeInfo(), ctx.api.alerts()]);
      if (stopped) return;
      if (status.status === 'fulfilled') {
        const s = status.value;
        const b = s.broker;
        const rows: [string, string][] = [
          [
            'MQTT broker',
            b.mode === 'external'
              ? `external: ${b.url ?? '?'} (${b.connected ? 'connected' : 'not connected'})`
              : b.mqtt
                ? `mqtt://${b.mqtt.host}:${b.mqtt.port}`
                : 'off',
          ],
          ...(b.mqtts ? [['MQTT over TLS', `mqtts://${b.mqtts.host}:${b.mqtts.port}`] as [string, string]] : []),
          ['HTTP API', s.http ? `http://${s.http.host}:${s.http.port}` : 'off'],
          ...(s.http?.tokenRequired
            ? [
                [
                  'API token',
                  s.http.tokenFile
                    ? `required; in ${s.http.tokenFile} (Grafana: header Authorization: Bearer <it>; the hub commands read it there)`
                    : 'required (http.token in hub.yaml)',
                ] as [string, string],
              ]
            : []),
          ['Hub version', s.version],
          ['Running since', timeText(s.startedMs)],
        ];
        addresses.replaceChildren(
          keyValues(rows),
          h('p', { class: 'muted', text: 'Change them in hub.yaml (broker.listen, http.listen), then restart the hub.' }),
        );
        archivePanel(archive, s.archive, ctx);
        remoteWritePanel(remoteWrite, s.remoteWrite);
      } else
        addresses.replaceChildren(
          h('p', { class: 'error', text: status.reason instanceof Error ? status.reason.message : String(status.reason) }),
        );
      const receivers = alerts.status === 'fulfilled' ? [...new Set(alerts.value.flatMap((a) => a.receivers))] : [];
      files.replaceChildren(
        keyValues([
          [
            'Raw sample retention',
            runtime.status === 'fulfilled' && runtime.value.storageRetention ? runtime.value.storageRetention : 'unknown',
          ],
          ['Receivers in use', receivers.length ? receivers.join(', ') : 'none by a firing alert right now'],
        ]),
        h(
          'p',
          { class: 'muted' },
          'These are read-only here. Retention (store.retention, rollup_1m_retention, rollup_1h_retention) is set in ',
          h('code', { text: 'hub.yaml' }),
          '; routes, receivers and inhibitions in ',
          h('code', { text: '<data dir>/alerting.yml' }),
          " (Alertmanager's format) and alert rules in ",
          h('code', { text: '<data dir>/rules/' }),
          ', where the data dir is hub.data_dir (by default ~/.local/share/metrics-hub). The hub reloads alerting.yml and the rules when they change; retention changes need a restart.',
        ),
      );
      root.dataset.loaded = 'true';
    })();
    void loadTokens();
    return () => {
      stopped = true;
      for (const c of cleanup) c();
    };
  },
};

function keyValues(rows: [string, string][]): HTMLElement {
  return h(
    'table',
    { class: 'kv' },
    h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', { text: k }), h('td', {}, h('code', { text: v }))))),
  );
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

/**
 * The notifier config (Alertmanager's YAML: routes, receivers, inhibitions) edited in
 * place: the hub checks it before saving and names each problem's line; the running
 * config stays until a good one is saved.
 */
function notificationsEditor(ctx: ViewContext): HTMLElement {
  const text = h('textarea', { class: 'config-editor', spellcheck: 'false', rows: '18', 'aria-label': 'Notifier config (YAML)' });
  const save = h('button', { class: 'primary', text: 'Save and apply' });
  const note = h('div', { class: 'muted config-note' });
  const problems = h('ul', { class: 'error config-problems' });
  void ctx.api.alertingConfig().then(
    (c) => {
      text.value = c.text;
      note.textContent = `${c.file} — webhook_configs, email_configs, slack_configs and desktop_configs; checked before it is saved.`;
    },
    (e: Error) => (note.textContent = e.message),
  );
  save.addEventListener('click', () => {
    save.disabled = true;
    problems.replaceChildren();
    ctx.api
      .saveAlertingConfig(text.value)
      .then(() => (note.textContent = `Saved and applied at ${new Date().toLocaleTimeString()}.`))
      .catch((e: Error) => {
        const list = e instanceof HubRequestError ? (e.body as { problems?: string[] } | undefined)?.problems : undefined;
        for (const p of list ?? [e.message]) problems.append(h('li', { text: p }));
        note.textContent = 'Not saved: the running config is unchanged.';
      })
      .finally(() => (save.disabled = false));
  });
  return h('div', { class: 'panel notifications' }, text, h('div', { class: 'row' }, save, note), problems);
}

const SETTING_LABELS: Record<string, string> = {
  'broker.listen': 'Broker address for agents (host:port)',
  'http.listen': 'HTTP address (host:port; beyond 127.0.0.1 needs http.token in hub.yaml)',
  'store.retention': 'Keep raw samples for (e.g. 15d)',
};

/** Addresses and retention, saved for the next start (the listeners and store open once). */
function hubSettingsForm(ctx: ViewContext): HTMLElement {
  const inputs = new Map<string, HTMLInputElement>();
  const fields = h('div', { class: 'settings-fields' });
  const save = h('button', { class: 'primary', type: 'submit', text: 'Save for the next start' });
  const note = h('div', { class: 'muted settings-note' });
  const problems = h('ul', { class: 'error settings-problems' });
  const form = h('form', { class: 'panel hub-settings' }, fields, h('div', { class: 'row' }, save, note), problems);
  void ctx.api.settings().then(
    (s) => {
      for (const key of s.keys) {
        const input = h('input', { name: key, value: s.saved[key] ?? s.current[key] ?? '', 'aria-label': SETTING_LABELS[key] ?? key });
        inputs.set(key, input);
        fields.append(h('label', { class: 'setting' }, h('span', { class: 'muted', text: SETTING_LABELS[key] ?? key }), input));
      }
      note.textContent = `Saved in ${s.file}, over ${s.configFile}.`;
    },
    (e: Error) => (note.textContent = e.message),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save.disabled = true;
    problems.replaceChildren();
    ctx.api
      .saveSettings(Object.fromEntries([...inputs].map(([k, i]) => [k, i.value.trim()])))
      .then(() => (note.textContent = 'Saved: restart the hub to apply.'))
      .catch((err: Error) => {
        const list = err instanceof HubRequestError ? (err.body as { problems?: string[] } | undefined)?.problems : undefined;
        for (const p of list ?? [err.message]) problems.append(h('li', { text: p }));
        note.textContent = 'Not saved.';
      })
      .finally(() => (save.disabled = false));
  });
  return form;
}

/** Whole-hub snapshots: take one while the hub runs, see those in the data folder, save a copy elsewhere. */
/** What cold storage holds, the files found damaged (left out of answers), and a check of every file. */
function archivePanel(el: HTMLElement, status: ArchiveStatus | undefined, ctx: ViewContext): void {
  if (!status) {
    el.replaceChildren(
      h(
        'p',
        { class: 'muted' },
        'Off: raw data past its retention is deleted. Set ',
        h('code', { text: 'store.archive_dir' }),
        ' in hub.yaml (a NAS or a mounted bucket) to move each past day into a checksummed file there instead; queries over those days read it.',
      ),
    );
    return;
  }
  const render = (s: ArchiveStatus, checked?: number) => {
    const check = h('button', { type: 'button', class: 'archive-verify', text: 'Check every file' });
    const note = h('span', {
      class: 'muted archive-note',
      role: 'status',
      text: checked === undefined ? '' : s.damaged.length ? '' : `all ${checked} files passed their checksums`,
    });
    check.addEventListener('click', () => {
      check.disabled = true;
      note.textContent = `Reading ${s.files} files…`;
      ctx.api.verifyArchive().then(
        (v) => render(v, v.checked),
        (e: Error) => {
          note.textContent = e.message;
          check.disabled = false;
        },
      );
    });
    el.replaceChildren(
      keyValues([
        ['Folder', s.dir],
        ['Files', `${s.files} (${formatValue(s.bytes, 'bytes')})${s.firstDay ? `, ${s.firstDay} to ${s.lastDay}` : ''}`],
        ['Archived through', s.archivedThrough === undefined ? 'nothing yet' : new Date(s.archivedThrough).toISOString()],
        ['Kept for', s.retentionMs === null ? 'ever (store.archive_retention)' : `${Math.round(s.retentionMs / 86_400_000)} days`],
      ]),
      ...(s.unavailable
        ? [h('p', { class: 'error archive-unavailable', text: s.unavailable })]
        : s.lastError
          ? [h('p', { class: 'error', text: `The last day could not be archived: ${s.lastError}` })]
          : []),
      ...(s.damaged.length
        ? [
            h('p', {
              class: 'error',
              text: `${s.damaged.length} damaged file${s.damaged.length === 1 ? '' : 's'}, left out of every answer: restore from a backup, or move out of the folder.`,
            }),
            h('ul', { class: 'archive-damaged' }, ...s.damaged.map((d) => h('li', {}, h('code', { text: d.file }), `: ${d.reason}`))),
          ]
        : []),
      h('div', { class: 'row' }, check, note),
    );
  };
  render(status);
}

/** Where samples are forwarded (each endpoint's queue, sends, drops, last error) and what came in by remote write. */
function remoteWritePanel(el: HTMLElement, status: RemoteWriteStatus | undefined): void {
  const endpoints = status?.forward?.endpoints ?? [];
  const received = status?.receive;
  const out: (Node | string)[] = [];
  if (!endpoints.length) {
    out.push(
      h(
        'p',
        { class: 'muted' },
        'Out: off. Add ',
        h('code', { text: 'remote_write:' }),
        ' to hub.yaml (a list of url: entries, as in Prometheus) to forward every stored sample to VictoriaMetrics, Mimir, Thanos or Prometheus.',
      ),
    );
  }
  for (const e of endpoints) {
    const age = e.oldestPendingMs === undefined ? '' : `, oldest waiting since ${timeText(e.oldestPendingMs)}`;
    out.push(
      h('h3', { class: 'endpoint-name', text: e.name }),
      keyValues([
        ['Address', e.url],
        ['State', e.state === 'retrying' ? 'retrying a failed request' : e.state],
        [
          'Waiting',
          `${e.pendingSamples.toLocaleString('en-US')} samples${age}${e.queueFull ? ' (queue full: the oldest are being dropped)' : ''}`,
        ],
        ['Sent', `${e.sentSamples.toLocaleString('en-US')} samples${e.lastSentMs ? `, last at ${timeText(e.lastSentMs)}` : ''}`],
        ['Failed requests (retried)', e.failedRequests.toLocaleString('en-US')],
        [
          'Dropped',
          `${e.droppedSamples.rejected.toLocaleString('en-US')} refused by the endpoint, ${e.droppedSamples.queueFull.toLocaleString('en-US')} for a full queue`,
        ],
      ]),
      ...(e.lastError
        ? [h('p', { class: 'error remote-write-error', text: `Last error (${timeText(e.lastError.atMs)}): ${e.lastError.message}` })]
        : []),
    );
  }
  if (received) {
    const r = received.requests;
    out.push(
      h('p', {
        class: 'muted remote-write-in',
        text: `In (POST /api/v1/write): ${r.stored.toLocaleString('en-US')} requests stored (${received.samplesStored.toLocaleString('en-US')} samples), ${(r.refused + r.tooLarge).toLocaleString('en-US')} refused, ${r.failed.toLocaleString('en-US')} failed.`,
      }),
    );
  }
  el.replaceChildren(...out);
}

function snapshotsPanel(ctx: ViewContext, cleanup: (() => void)[]): HTMLElement {
  const take = h('button', { class: 'primary take-snapshot', text: 'Take a snapshot now' });
  const note = h('div', { class: 'muted snapshot-note' });
  const list = h('ul', { class: 'snapshot-list' });
  const bar = createTransferBar();
  cleanup.push(() => bar.cancel());
  const saveNote = h('div', { class: 'muted snapshot-save-note', role: 'status' });
  const saveCopy = (name: string, button: HTMLButtonElement) => {
    button.disabled = true;
    saveNote.textContent = '';
    bar
      .run(`Saving ${name}`, (onProgress, signal) =>
        ctx.transfers.saveFromHub({ method: 'GET', path: `/api/hub/v1/snapshots/${encodeURIComponent(name)}` }, name, onProgress, signal),
      )
      .then((saved) => (saveNote.textContent = savedText('Snapshot', saved, ctx.transfers.savesTo)))
      .catch((e: unknown) => (saveNote.textContent = failedText('Saving the snapshot', e)))
      .finally(() => (button.disabled = false));
  };
  const refresh = () =>
    ctx.api.snapshots().then(
      (s) => {
        note.textContent = `In ${s.folder}. Restore one with \`hub restore <file> --data-dir <an empty folder>\`.`;
        list.replaceChildren(
          ...s.snapshots.map((x) => {
            const copy = h('button', {
              type: 'button',
              class: 'snapshot-save',
              text: 'Save a copy…',
              title: 'Save this snapshot somewhere else, e.g. another disk',
            });
            copy.addEventListener('click', () => saveCopy(x.name, copy));
            return h(
              'li',
              { 'data-name': x.name },
              h('code', { text: x.name }),
              ` ${(x.bytes / 1e6).toFixed(1)} MB${x.manifest.createdAt ? `, taken ${x.manifest.createdAt}` : ''} `,
              copy,
            );
          }),
        );
      },
      (e: Error) => (note.textContent = e.message),
    );
  take.addEventListener('click', () => {
    take.disabled = true;
    note.textContent = 'Taking a snapshot (the hub keeps ingesting)…';
    ctx.api
      .takeSnapshot()
      .then(() => refresh())
      .catch((e: Error) => (note.textContent = `Snapshot failed: ${e.message}`))
      .finally(() => (take.disabled = false));
  });
  void refresh();
  return h('div', { class: 'panel snapshots' }, h('div', { class: 'row' }, take, note), list, bar.el, saveNote);
}

const IMPORT_FORMATS: { format: string; label: string; contentType: string }[] = [
  { format: 'openmetrics', label: 'OpenMetrics (ends with # EOF)', contentType: 'application/openmetrics-text; version=1.0.0' },
  { format: 'prometheus', label: 'Prometheus text format', contentType: 'text/plain; version=0.0.4' },
  { format: 'mhb-json', label: 'Metrics Hub lossless export (.mhb.ndjson)', contentType: 'application/x-ndjson' },
];

/** A file of samples into the hub: checked whole first (nothing stored if a line is bad, unless asked). */
function importPanel(ctx: ViewContext, cleanup: (() => void)[]): HTMLElement {
  const choose = h('button', { type: 'button', class: 'import-choose', text: 'Choose file…' });
  const chosenName = h('span', { class: 'muted import-file-name', text: 'no file chosen' });
  const format = h(
    'select',
    { class: 'import-format', 'aria-label': 'Format' },
    ...IMPORT_FORMATS.map((f) => h('option', { value: f.format, text: f.label })),
  );
  const partial = h('input', { type: 'checkbox', class: 'import-partial' });
  const go = h('button', { class: 'primary import-go', text: 'Import' });
  const bar = createTransferBar();
  cleanup.push(() => bar.cancel());
  const note = h('div', { class: 'muted import-note' });
  const problems = h('ul', { class: 'error import-problems' });
  let chosen: PickedFile | undefined;
  choose.addEventListener('click', () => {
    ctx.transfers
      .chooseFile('Choose a file of samples to import', [
        { name: 'Metrics files', extensions: ['om', 'txt', 'prom', 'ndjson'] },
        { name: 'All files', extensions: ['*'] },
      ])
      .then(
        (file) => {
          if (!file) return;
          chosen = file;
          chosenName.textContent = `${file.name} (${formatValue(file.bytes, 'bytes')})`;
          const name = file.name;
          format.value = /\.ndjson$/.test(name)
            ? 'mhb-json'
            : /\.(om|openmetrics)(\.txt)?$/.test(name)
              ? 'openmetrics'
              : /\.(prom|txt)$/.test(name)
                ? 'prometheus'
                : format.value;
        },
        (e: Error) => (note.textContent = e.message),
      );
  });
  go.addEventListener('click', () => {
    const file = chosen;
    if (!file) return void (note.textContent = 'Choose a file first.');
    const f = IMPORT_FORMATS.find((x) => x.format === format.value)!;
    go.disabled = true;
    note.textContent = '';
    problems.replaceChildren();
    const query = new URLSearchParams({ format: f.format, ...(partial.checked ? { partial: 'true' } : {}) });
    bar
      .run(`Sending ${file.name}`, (onProgress, signal) =>
        ctx.transfers.uploadToHub<ImportSummary>(`/api/hub/v1/import?${query}`, file, f.contentType, onProgress, signal),
      )
      .then(
        (s) =>
          (note.textContent = `Imported ${s.samples} samples in ${s.series} series${s.rejected.length ? ` (${s.rejected.length} lines left out)` : ''}.`),
      )
      .catch((e: unknown) => {
        const s = e instanceof HubRequestError ? (e.body as Partial<ImportSummary> | undefined) : undefined;
        if (!s?.rejected) return void (note.textContent = failedText('Import', e));
        note.textContent = 'Not imported: nothing was stored. Fix these lines, or tick "keep the good lines".';
        for (const r of s.rejected) problems.append(h('li', { text: `${r.line !== undefined ? `line ${r.line}: ` : ''}${r.reason}` }));
      })
      .finally(() => (go.disabled = false));
  });
  return h(
    'div',
    { class: 'panel import' },
    h('div', { class: 'row' }, choose, chosenName, format, h('label', {}, partial, ' keep the good lines'), go),
    bar.el,
    note,
    problems,
  );
}

interface ImportSummary {
  committed: boolean;
  samples: number;
  series: number;
  rejected: { line?: number; reason: string }[];
}
