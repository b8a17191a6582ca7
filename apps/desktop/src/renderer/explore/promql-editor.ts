// The PromQL editor: CodeMirror 6 with the Prometheus project's PromQL extension
// (highlighting, offline linting, completion of functions and keywords) whose remote
// completion (metric names, label names and values, metadata) asks the hub's
// Prometheus-compatible API through our transport, so it works over HTTP and over IPC alike.

import { EditorView, keymap, placeholder } from '@codemirror/view';
import { EditorState, Prec } from '@codemirror/state';
import { setDiagnostics } from '@codemirror/lint';
import { minimalSetup } from 'codemirror';
import { autocompletion, closeBrackets } from '@codemirror/autocomplete';
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching } from '@codemirror/language';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { HubRequestError, type HubTransport } from '../../common/transport.ts';

export interface PromqlEditor {
  view: EditorView;
  value(): string;
  setValue(text: string): void;
  /** Marks a server-side error at `offset` (until the text changes). */
  markError(offset: number, message: string): void;
  clearError(): void;
  destroy(): void;
}

export function createPromqlEditor(
  parent: HTMLElement,
  o: { transport: HubTransport; initial: string; onRun: () => void; onChange?: (text: string) => void },
): PromqlEditor {
  const promql = new PromQLExtension().setComplete({
    remote: {
      url: '',
      // GET keeps every call a plain path the IPC transport accepts (no form bodies).
      httpMethod: 'GET',
      fetchFn: transportFetch(o.transport),
      // Label values change as agents come and go; a minute is fresh enough.
      cache: { maxAge: 60_000 },
    },
  });
  const run = () => {
    o.onRun();
    return true;
  };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: o.initial,
      extensions: [
        minimalSetup,
        // Ctrl/Cmd+Enter runs; it must win over the completion popup's Enter.
        Prec.highest(
          keymap.of([
            { key: 'Mod-Enter', run },
            { key: 'Shift-Enter', run },
          ]),
        ),
        promql.asExtension(),
        autocompletion({ activateOnTyping: true }),
        closeBrackets(),
        bracketMatching(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        placeholder('PromQL, e.g. rate(node_cpu_seconds_total{mode!="idle"}[1m])'),
        EditorView.lineWrapping,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) o.onChange?.(u.state.doc.toString());
        }),
        EditorView.contentAttributes.of({ 'aria-label': 'PromQL query' }),
      ],
    }),
  });
  return {
    view,
    value: () => view.state.doc.toString(),
    setValue: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    markError(offset, message) {
      const len = view.state.doc.length;
      const from = Math.min(offset, len);
      // A zero-width mark at the end still shows a marker.
      const to = Math.min(len, from + 1);
      view.dispatch(
        setDiagnostics(view.state, [
          { from: to > from ? from : Math.max(0, from - 1), to: Math.max(to, from), severity: 'error', message, source: 'hub' },
        ]),
      );
    },
    clearError: () => view.dispatch(setDiagnostics(view.state, [])),
    destroy: () => view.destroy(),
  };
}

/** `fetch` for the completion client, answered by the transport (HTTP or IPC). */
function transportFetch(transport: HubTransport): (input: RequestInfo, init?: RequestInit) => Promise<Response> {
  return async (input) => {
    const url = typeof input === 'string' ? input : input.url;
    const path = url.startsWith('http') ? url.slice(new URL(url).origin.length) : url;
    try {
      const data = await transport.request('GET', path);
      return new Response(JSON.stringify(data), { status: 200, headers: { 'content-type': 'application/json' } });
    } catch (e) {
      const status = e instanceof HubRequestError ? e.status : 503;
      return new Response(JSON.stringify({ status: 'error', error: (e as Error).message }), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    }
  };
}
