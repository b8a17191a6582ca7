// Recursive descent over the lexer's tokens, following Go's text/template/parse: the
// template's own tree plus one tree per {{define}} and {{block}}, {{else if}} and
// {{else with}} chains, break/continue only inside range. Actions' pipelines are read by
// parse-pipeline.ts. Errors carry the position of the token at fault and, where one helps, a hint.

import {
  isEmptyTree,
  nodeString,
  type BranchNode,
  type EndNode,
  type ListNode,
  type Node,
  type PipeNode,
  type Source,
  type TemplateNode,
} from './ast.ts';
import type { Token } from './lexer.ts';
import { PipelineParser, type ParseSettings } from './parse-pipeline.ts';

export interface ParsedTree {
  readonly name: string;
  readonly root: ListNode;
  readonly src: Source;
}

/** Where a control structure opened, for the hint when its {{end}} is missing. */
interface Opener {
  keyword: string;
  pos: number;
}

/** Parses `text` as template `name`; the result maps each template name (main and defined) to its tree. */
export function parseTrees(text: string, name: string, settings: ParseSettings = {}): Map<string, ParsedTree> {
  return new Parser(text, name, settings).parse();
}

function isEnd(n: Node | EndNode): n is EndNode {
  return n.type === 'end' || n.type === 'else';
}

class Parser extends PipelineParser {
  private rangeDepth = 0;
  private readonly trees = new Map<string, ParsedTree>();

  parse(): Map<string, ParsedTree> {
    this.vars = ['$', ...(this.settings.variables ?? [])];
    const root: ListNode = { type: 'list', pos: 0, nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const save = this.i;
        const delim = this.next();
        if (this.nextNonSpace().type === 'define') {
          this.parseDefinition(delim);
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (isEnd(n)) {
        this.fail(
          n.pos,
          `unexpected ${nodeString(n)}`,
          `there is no {{if}}, {{range}}, {{with}} or {{define}} open for this {{${n.type}}}`,
        );
      }
      root.nodes.push(n);
    }
    this.add(this.name, root, 0);
    return this.trees;
  }

  // --- templates ---

  /** Go's rule: a second non-empty definition of a name in one text is an error; an empty one never replaces. */
  private add(name: string, root: ListNode, pos: number): void {
    const existing = this.trees.get(name);
    if (!existing || isEmptyTree(existing.root)) {
      this.trees.set(name, { name, root, src: this.src });
    } else if (!isEmptyTree(root)) {
      this.fail(pos, `multiple definition of template ${JSON.stringify(name)}`, 'give one of the definitions another name');
    }
  }

  private templateName(t: Token, context: string): string {
    if (t.type !== 'string' && t.type !== 'rawString') this.unexpected(t, context);
    return this.unquote(t);
  }

  /** A body of its own: fresh variables ($ only) and no enclosing range. */
  private separateBody<T>(parse: () => T): T {
    const vars = this.vars;
    const rangeDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    try {
      return parse();
    } finally {
      this.vars = vars;
      this.rangeDepth = rangeDepth;
    }
  }

  private parseDefinition(delim: Token): void {
    const context = 'define clause';
    const name = this.templateName(this.nextNonSpace(), context);
    this.expect('rightDelim', context);
    this.separateBody(() => {
      const [body, end] = this.itemList({ keyword: 'define', pos: delim.pos });
      if (end.type !== 'end') this.fail(end.pos, `unexpected ${nodeString(end)} in ${context}`);
      this.add(name, body, delim.pos);
    });
  }

  /** Nodes up to the {{end}} or {{else}} that closes them. */
  private itemList(opener: Opener): [ListNode, EndNode] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (isEnd(n)) return [list, n];
      list.nodes.push(n);
    }
    return this.fail(opener.pos, 'unexpected EOF', `the {{${opener.keyword}}} here has no {{end}}`);
  }

  private textOrAction(): Node | EndNode {
    const t = this.nextNonSpace();
    if (t.type === 'text') return { type: 'text', pos: t.pos, text: t.val };
    if (t.type === 'leftDelim') return this.action(t);
    return this.unexpected(t, 'input');
  }

  private action(delim: Token): Node | EndNode {
    const t = this.nextNonSpace();
    const opener = { keyword: t.val, pos: delim.pos };
    switch (t.type) {
      case 'block':
        return this.blockControl(opener);
      case 'break':
      case 'continue':
        return this.loopControl(t);
      case 'else':
        return this.elseControl();
      case 'end':
        this.expect('rightDelim', 'end');
        return { type: 'end', pos: t.pos };
      case 'if':
      case 'range':
      case 'with':
        return this.branchControl(t.type, opener);
      case 'template':
        return this.templateControl(t);
    }
    this.backup();
    const pos = this.peek().pos;
    // Variables declared here live until the {{end}} of the enclosing structure.
    return { type: 'action', pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private loopControl(t: Token): Node {
    const word = t.type as 'break' | 'continue';
    const after = this.nextNonSpace();
    if (after.type !== 'rightDelim') this.unexpected(after, `{{${word}}}`);
    if (this.rangeDepth === 0) this.fail(t.pos, `{{${word}}} outside {{range}}`, `{{${word}}} works only inside {{range}} ... {{end}}`);
    return { type: word, pos: t.pos };
  }

  private elseControl(): EndNode {
    const peek = this.peekNonSpace();
    // {{else if ...}} and {{else with ...}} leave the keyword for the enclosing structure.
    if (peek.type === 'if' || peek.type === 'with') return { type: 'else', pos: peek.pos };
    const t = this.expect('rightDelim', 'else');
    return { type: 'else', pos: t.pos };
  }

  private branchControl(type: 'if' | 'range' | 'with', opener: Opener): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(type, 'rightDelim');
      if (type === 'range') this.rangeDepth++;
      const [list, next] = this.itemList(opener);
      if (type === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.type === 'else') {
        // {{if a}}x{{else if b}}y{{end}} is {{if a}}x{{else}}{{if b}}y{{end}}{{end}}: the inner
        // structure's {{end}} closes both.
        const chained = this.peek().type;
        if ((type === 'if' && chained === 'if') || (type === 'with' && chained === 'with')) {
          const t = this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.branchControl(chained, { keyword: `else ${t.val}`, pos: t.pos })] };
        } else {
          const [list2, end] = this.itemList({ keyword: 'else', pos: next.pos });
          if (end.type !== 'end') this.fail(end.pos, `expected end; found ${nodeString(end)}`, `{{${type}}} takes one {{else}}`);
          elseList = list2;
        }
      }
      return { type, pos: pipe.pos, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private templateControl(t: Token): TemplateNode {
    const context = 'template clause';
    const name = this.templateName(this.nextNonSpace(), context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { type: 'template', pos: t.pos, name, pipe };
  }

  /** {{block "name" pipeline}}body{{end}}: defines "name" and executes it in place. */
  private blockControl(opener: Opener): TemplateNode {
    const context = 'block clause';
    const nameToken = this.nextNonSpace();
    const name = this.templateName(nameToken, context);
    const pipe = this.pipeline(context, 'rightDelim');
    this.separateBody(() => {
      const [body, end] = this.itemList(opener);
      if (end.type !== 'end') this.fail(end.pos, `unexpected ${nodeString(end)} in ${context}`);
      this.add(name, body, opener.pos);
    });
    return { type: 'template', pos: nameToken.pos, name, pipe };
  }
}
