// Settings' Notifications panel: the notifier config (Alertmanager's YAML: routes,
// receivers, inhibitions) edited in place. The hub checks it before saving and names each
// problem's line; the running config stays until a good one is saved.

import { h, type ViewContext } from '../../shell/view.ts';
import { listProblems } from './problems.ts';

export function notificationsEditor(ctx: ViewContext): HTMLElement {
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
        listProblems(problems, e);
        note.textContent = 'Not saved: the running config is unchanged.';
      })
      .finally(() => (save.disabled = false));
  });
  return h('div', { class: 'panel notifications' }, text, h('div', { class: 'row' }, save, note), problems);
}
