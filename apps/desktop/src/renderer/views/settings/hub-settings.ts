// Settings' form for addresses and retention, saved for the next start (the listeners and
// the store open once): the hub checks the values and names each problem.

import { h, type ViewContext } from '../../shell/view.ts';
import { listProblems } from './problems.ts';

const SETTING_LABELS: Record<string, string> = {
  'broker.listen': 'Broker address for agents (host:port)',
  'http.listen': 'HTTP address (host:port; beyond 127.0.0.1 needs http.token in hub.yaml)',
  'store.retention': 'Keep raw samples for (e.g. 15d)',
};

export function hubSettingsForm(ctx: ViewContext): HTMLElement {
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
        listProblems(problems, err);
        note.textContent = 'Not saved.';
      })
      .finally(() => (save.disabled = false));
  });
  return form;
}
