// The Alerts view (placeholder: being built).
import { h, type View } from '../shell/view.ts';

export const alertsView: View = {
  id: 'alerts',
  title: 'Alerts',
  inNav: true,
  mount(root) {
    root.append(h('h1', { text: 'Alerts' }), h('p', { class: 'muted', text: 'Coming soon.' }));
    return () => undefined;
  },
};
