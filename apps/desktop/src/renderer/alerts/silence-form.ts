// "Silence this alert": matchers pre-filled from its labels (one per line, editable),
// a duration, a comment and who is creating it.

import type { HubApi } from '../api/hub-api.ts';
import type { Labels } from '@metrics-hub/hub-api';
import { h } from '../shell/view.ts';
import { matchersFor } from './format.ts';

export function renderSilenceForm(api: HubApi, labels: Labels, done: (created: boolean) => void): HTMLElement {
  const matchers = h('textarea', { name: 'matchers', rows: '4', cols: '60', 'aria-label': 'Matchers' });
  matchers.value = matchersFor(labels).join('\n');
  const duration = h('input', { name: 'for', value: '2h', 'aria-label': 'Duration', size: '8' });
  const comment = h('input', { name: 'comment', placeholder: 'why', 'aria-label': 'Comment', size: '50' });
  const creator = h('input', {
    name: 'createdBy',
    value: localStorage.getItem('silence.createdBy') ?? '',
    placeholder: 'your name',
    'aria-label': 'Created by',
  });
  const error = h('div', { class: 'error' });
  const submit = h('button', { class: 'primary', type: 'submit', text: 'Create silence' });
  const cancel = h('button', { type: 'button', text: 'Cancel' });
  const form = h(
    'form',
    { class: 'inline silence-form panel' },
    h('label', { text: 'Matchers (one per line)' }),
    matchers,
    h('label', { text: 'Duration' }),
    duration,
    h('label', { text: 'Comment' }),
    comment,
    h('label', { text: 'Created by' }),
    creator,
    h('span'),
    h('span', { class: 'row' }, submit, cancel),
    h('span'),
    error,
  );
  cancel.addEventListener('click', () => done(false));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.textContent = '';
    const list = matchers.value
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    // The hub requires these too; saying so here saves a round trip.
    if (!list.length) return void (error.textContent = 'Give at least one matcher, e.g. alertname="HostDown".');
    if (!creator.value.trim() || !comment.value.trim())
      return void (error.textContent = 'A silence needs a comment and who created it, so others know why alerts are quiet.');
    localStorage.setItem('silence.createdBy', creator.value.trim());
    submit.disabled = true;
    api
      .createSilence({ matchers: list, for: duration.value.trim(), createdBy: creator.value.trim(), comment: comment.value.trim() })
      .then(() => done(true))
      .catch((err: Error) => {
        error.textContent = err.message;
        submit.disabled = false;
      });
  });
  return form;
}
