// The Explore view (placeholder: being built).
import { h, type View } from '../shell/view.ts';

export const exploreView: View = {
  id: 'explore',
  title: 'Explore',
  inNav: true,
  mount(root) {
    root.append(h('h1', { text: 'Explore' }), h('p', { class: 'muted', text: 'Coming soon.' }));
    return () => undefined;
  },
};
