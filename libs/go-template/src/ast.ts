// The parse tree, modelled on Go's text/template/parse nodes as a tagged union. Every node
// keeps its offset in the template text; `nodeString` prints a node back the way Go's
// Node.String does, which execution errors quote as their context ("at <.Labels.foo>").

export interface Source {
  /** The name of the template whose text this is (Go's ParseName). */
  readonly name: string;
  readonly text: string;
}

export interface ListNode {
  type: 'list';
  pos: number;
  nodes: Node[];
}
export interface TextNode {
  type: 'text';
  pos: number;
  text: string;
}
export interface ActionNode {
  type: 'action';
  pos: number;
  pipe: PipeNode;
}
export interface BranchNode {
  type: 'if' | 'range' | 'with';
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | undefined;
}
export interface TemplateNode {
  type: 'template';
  pos: number;
  name: string;
  pipe: PipeNode | undefined;
}
export interface BreakNode {
  type: 'break' | 'continue';
  pos: number;
}
/** Only produced while parsing: they close a list. */
export interface EndNode {
  type: 'end' | 'else';
  pos: number;
}

export type Node = ListNode | TextNode | ActionNode | BranchNode | TemplateNode | BreakNode;

export interface PipeNode {
  type: 'pipe';
  pos: number;
  /** Variables declared (:=) or assigned (=) by the pipeline. */
  decl: VariableNode[];
  isAssign: boolean;
  cmds: CommandNode[];
}
export interface CommandNode {
  type: 'command';
  pos: number;
  args: ArgNode[];
}
export interface FieldNode {
  type: 'field';
  pos: number;
  /** Field names without dots: .A.B is ['A', 'B']. */
  ident: string[];
}
export interface VariableNode {
  type: 'variable';
  pos: number;
  /** Variable name, then field names: $x.A is ['$x', 'A']. */
  ident: string[];
}
/** Fields after a term that is not a field or variable: (pipeline).A, or "x".A (an error). */
export interface ChainNode {
  type: 'chain';
  pos: number;
  node: ArgNode;
  field: string[];
}
export interface IdentifierNode {
  type: 'identifier';
  pos: number;
  ident: string;
}
export interface DotNode {
  type: 'dot';
  pos: number;
}
export interface NilNode {
  type: 'nil';
  pos: number;
}
export interface BoolNode {
  type: 'bool';
  pos: number;
  value: boolean;
}
export interface NumberNode {
  type: 'number';
  pos: number;
  /** The literal as written. */
  text: string;
  /** Set when the literal is an integer value (including 1e3 and 'a'). */
  int: bigint | undefined;
  /** Set when the literal has a float value. */
  float: number | undefined;
}
export interface StringNode {
  type: 'string';
  pos: number;
  /** The literal as written, quotes included. */
  quoted: string;
  text: string;
}

export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type AnyNode = Node | EndNode | ArgNode | CommandNode;

function listString(l: ListNode | undefined): string {
  return l ? l.nodes.map(nodeString).join('') : '';
}

export function nodeString(n: AnyNode): string {
  switch (n.type) {
    case 'list':
      return listString(n);
    case 'text':
      return n.text;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with': {
      const els = n.elseList ? `{{else}}${listString(n.elseList)}` : '';
      return `{{${n.type} ${nodeString(n.pipe)}}}${listString(n.list)}${els}{{end}}`;
    }
    case 'template':
      return n.pipe ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${JSON.stringify(n.name)}}}`;
    case 'break':
    case 'continue':
    case 'end':
    case 'else':
      return `{{${n.type}}}`;
    case 'pipe': {
      const decl = n.decl.length ? `${n.decl.map(nodeString).join(', ')} ${n.isAssign ? '=' : ':='} ` : '';
      return decl + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'field':
      return n.ident.map((f) => `.${f}`).join('');
    case 'variable':
      return n.ident.join('.');
    case 'chain':
      return (n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)) + n.field.map((f) => `.${f}`).join('');
    case 'identifier':
      return n.ident;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(n.value);
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
  }
}

/** Go's IsEmptyTree: nothing but whitespace text, so a definition like this never replaces another. */
export function isEmptyTree(n: Node): boolean {
  switch (n.type) {
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      return n.text.trim() === '';
    default:
      return false;
  }
}
