// The Settings view (placeholder: being built).
import { h, type View } from '../shell/view.ts';

export const settingsView: View = {
  id: 'settings',
  title: 'Settings',
  inNav: true,
  mount(root) {
    root.append(h('h1', { text: 'Settings' }), h('p', { class: 'muted', text: 'Coming soon.' }));
    return () => undefined;
  },
};
