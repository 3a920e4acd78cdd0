import { ProblemError } from './api';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | null | ((event: Event) => void)>;

/** A small element builder: attributes (on* become listeners), then children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en');

/** An element the page or a view has just rendered: its absence is a bug, so it fails with the selector's name. */
export function required(root: ParentNode, selector: string): HTMLElement {
  const found = root.querySelector<HTMLElement>(selector);
  if (!found) throw new Error(`nothing matches ${selector}`);
  return found;
}

export const fmt = {
  count: (n: number | null | undefined) => (n === null || n === undefined ? '–' : whole.format(n)),
  short: (n: number | null | undefined) => (n === null || n === undefined ? '–' : compact.format(n)),
  share: (n: number | null | undefined) => (n === null || n === undefined ? '–' : `${(n * 100).toFixed(1)}%`),
  date: (s: string | null | undefined) => (s ? new Date(s).toISOString().slice(0, 10) : '–'),
};

/** Every repo links to its page on the Hub: models at /{id}, datasets under /datasets, spaces under /spaces. */
export function hubUrl(id: string, repoType: string = 'model'): string {
  const prefix = repoType === 'dataset' ? 'datasets/' : repoType === 'space' ? 'spaces/' : '';
  return `https://huggingface.co/${prefix}${id}`;
}

export function hubLink(id: string, repoType: string = 'model'): HTMLAnchorElement {
  return h('a', { href: hubUrl(id, repoType), target: '_blank', rel: 'noopener', class: 'hub', 'data-repo': id }, id);
}

/** An in-app link (handled by the router without a page load). */
export function appLink(path: string, label: Child | Child[], params: Record<string, string> = {}): HTMLAnchorElement {
  const qs = new URLSearchParams(params).toString();
  return h('a', { href: qs ? `${path}?${qs}` : path, 'data-link': true }, ...(Array.isArray(label) ? label : [label]));
}

/** A problem as people read it: title, status, detail, field errors. */
export function problemView(error: unknown): HTMLElement {
  if (error instanceof ProblemError) {
    const { problem, status } = error;
    const fieldErrors = Object.entries(problem.errors ?? {}).map(([field, messages]) => h('li', {}, `${field}: ${messages.join(' ')}`));
    return h(
      'div',
      { class: 'problem', role: 'alert', 'data-status': status },
      h('strong', {}, problem.title ?? 'Request failed'),
      status ? h('span', { class: 'status' }, ` (${status})`) : null,
      problem.detail ? h('p', {}, problem.detail) : null,
      fieldErrors.length ? h('ul', {}, ...fieldErrors) : null,
      h('p', { class: 'muted' }, error.url),
    );
  }
  return h('div', { class: 'problem', role: 'alert' }, h('strong', {}, 'Something went wrong'), h('p', {}, String(error)));
}

/**
 * A panel that loads on its own: a spinner while loading, the content when ready, the problem
 * when not. data-state (loading|ready|error) lets tests and people see where it is.
 */
export function panel(title: string, id: string, load: (body: HTMLElement) => Promise<void>, extraClass = ''): HTMLElement {
  const body = h('div', { class: 'panel-body' });
  const section = h(
    'section',
    { class: `panel ${extraClass}`.trim(), id, 'data-state': 'loading', 'aria-busy': 'true' },
    title ? h('h2', {}, title) : null,
    body,
  );
  body.append(spinner());
  load(body).then(
    () => {
      section.dataset.state = 'ready';
      section.removeAttribute('aria-busy');
      body.querySelector(':scope > .loading')?.remove();
    },
    (error) => {
      if ((error as Error)?.name === 'AbortError') return;
      section.dataset.state = 'error';
      section.removeAttribute('aria-busy');
      body.replaceChildren(problemView(error));
    },
  );
  return section;
}

export function spinner(): HTMLElement {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'dot' }), 'Loading…');
}

export function stat(label: string, value: string, testId?: string): HTMLElement {
  return h('div', { class: 'stat' }, h('span', { class: 'value', 'data-testid': testId }, value), h('span', { class: 'label' }, label));
}

export interface Column<T> {
  label: string;
  cell: (row: T, index: number) => Child;
  numeric?: boolean;
}

export function table<T>(rows: T[], columns: Column<T>[], testId?: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted empty' }, 'Nothing matches.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { 'data-testid': testId },
      h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { class: c.numeric ? 'num' : undefined }, c.label)))),
      h('tbody', {}, ...rows.map((row, i) => h('tr', {}, ...columns.map((c) => h('td', { class: c.numeric ? 'num' : undefined }, c.cell(row, i)))))),
    ),
  );
}

/** Form fields bound to the URL: each has the name of its query parameter. */
export function field(label: string, control: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

export function select(name: string, value: string, options: [string, string][]): HTMLSelectElement {
  const control = h('select', { name });
  for (const [optionValue, text] of options) control.append(h('option', { value: optionValue, selected: optionValue === value }, text));
  return control;
}

export function input(name: string, value: string, attrs: Attrs = {}): HTMLInputElement {
  return h('input', { name, value, ...attrs });
}

/** The non-empty values of a form, as the URL's query. */
export function formState(form: HTMLFormElement): Record<string, string> {
  const state: Record<string, string> = {};
  for (const [key, value] of new FormData(form).entries()) {
    if (typeof value === 'string' && value.trim() !== '') state[key] = value.trim();
  }
  return state;
}
