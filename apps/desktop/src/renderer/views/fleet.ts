// The Fleet view (placeholder: being built).
import { h, type View } from '../shell/view.ts';

export const fleetView: View = {
  id: 'fleet',
  title: 'Fleet',
  inNav: true,
  mount(root) {
    root.append(h('h1', { text: 'Fleet' }), h('p', { class: 'muted', text: 'Coming soon.' }));
    return () => undefined;
  },
};
