// The Dashboards view (placeholder: being built).
import { h, type View } from '../shell/view.ts';

export const dashboardsView: View = {
  id: 'dashboards',
  title: 'Dashboards',
  inNav: true,
  mount(root) {
    root.append(h('h1', { text: 'Dashboards' }), h('p', { class: 'muted', text: 'Coming soon.' }));
    return () => undefined;
  },
};
