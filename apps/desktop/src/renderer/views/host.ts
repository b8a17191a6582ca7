// The Host view (placeholder: being built).
import { h, type View } from '../shell/view.ts';

export const hostView: View = {
  id: 'host',
  title: 'Host',
  inNav: false,
  mount(root) {
    root.append(h('h1', { text: 'Host' }), h('p', { class: 'muted', text: 'Coming soon.' }));
    return () => undefined;
  },
};
