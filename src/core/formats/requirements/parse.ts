// pip requirement files (requirements.txt, constraints.txt, *.in), read the way pip reads them (pip's
// `req/req_file.py` and `req/constructors.py`): logical lines (lines.ts), comments, ${VAR} expansion, options through
// an optparse-like parser (shlex.ts, options.ts), then each requirement interpreted (interpret.ts: PEP 508, URLs,
// #egg=, wheel files, local paths). Every range maps back through continuations and expansions to the exact
// characters in the file. Most lines take the direct path in simple.ts.

import type { Span } from '../../pep508';
import { LineIndex } from '../../text';
import { clip } from '../../redact';
import type { Include, PackageIndex, ParsedManifest, Range, RequirementScope, Severity } from '../../types';
import { syntaxFinding, valueRange } from '../requirement';
import { type MappedText, joinLine, preprocess, slice, toDoc, trimmed } from './lines';
import { optionsStart, shellSplit } from './shlex';
import { type OptionDest, type ParsedOption, parseOptions } from './options';
import { type LineContext, type LineReuse, type MadeLine, type ReqText, interpretEditable, interpretLine, isArchive, isUrl, shifted } from './interpret';
import { hasIrregularBreak, readSimpleLine } from './simple';
import { posixDirname, posixJoin } from './tree';

export interface RequirementsFileOptions {
  /** Environment for `${VAR}` expansion; without it nothing is expanded. */
  env?: Record<string, string | undefined>;
  /** The file is read through `-c`: its requirements only constrain. */
  constraint?: boolean;
}

/** A requirement pip accepts but that names no package (a local directory, an archive, a URL without #egg=). */
export interface UnnamedRequirement {
  target: string;
  kind: 'path' | 'url';
  editable: boolean;
  range: Range;
}

export interface RequirementsFileDetails {
  manifest: ParsedManifest;
  unnamed: UnnamedRequirement[];
}


/** Per-requirement options pip honours (SUPPORTED_OPTIONS_REQ; editables only take --config-settings). */
const REQUIREMENT_DESTS: ReadonlySet<OptionDest> = new Set(['hashes', 'config_settings']);
const EDITABLE_DESTS: ReadonlySet<OptionDest> = new Set(['config_settings']);

const INDEX_KINDS: Partial<Record<OptionDest, PackageIndex['kind']>> = {
  index_url: 'index-url', extra_index_urls: 'extra-index-url', find_links: 'find-links', no_index: 'no-index',
};

class FileReader {
  readonly index: LineIndex;
  readonly manifest: ParsedManifest;
  readonly unnamed: UnnamedRequirement[] = [];
  private readonly scope: RequirementScope;

  /** `fastPath` false reads every line with the general path (tests compare the two). */
  constructor(readonly path: string, text: string, private readonly opts: RequirementsFileOptions, private readonly fastPath = true) {
    this.index = new LineIndex(text);
    this.scope = { kind: opts.constraint ? 'constraint' : 'requirements' };
    this.manifest = { path, kind: 'requirements', requirements: [], findings: [], indexes: [], includes: [], options: [] };
  }

  read(): RequirementsFileDetails {
    const text = this.index.text;
    const simple = this.fastPath && !hasIrregularBreak(text);
    const ctx: LineContext = { index: this.index, scope: this.scope };
    const key = `${this.opts.constraint ? 'c' : 'r'}${this.path}`;
    if (simple) ctx.reuse = lineReuse(key, text);
    for (let at = 0; at < text.length;) {
      const fast = simple ? readSimpleLine(text, at, ctx, this.manifest.requirements) : -1;
      if (fast >= 0) {
        at = fast;
        continue;
      }
      const { line, next } = joinLine(text, at);
      at = next;
      const preprocessed = preprocess(line, this.opts.env);
      if (preprocessed) this.readLine(preprocessed);
    }
    if (ctx.reuse) remember(key, ctx.reuse.after);
    return { manifest: this.manifest, unnamed: this.unnamed };
  }

  private finding(code: string, message: string, m: MappedText, span: Span, severity: Severity = 'error'): void {
    this.manifest.findings.push(syntaxFinding(code, message, valueRange(span, toDoc(m), this.index), severity));
  }

  private readLine(line: MappedText): void {
    const cut = optionsStart(line.text);
    const args = trimmed(slice(line, 0, cut < 0 ? line.text.length : Math.max(0, cut - 1)));
    const optionText = cut < 0 ? undefined : slice(line, cut);
    let options: ParsedOption[] = [];
    if (optionText) {
      const split = shellSplit(optionText.text);
      if ('error' in split) {
        this.finding('requirement-syntax', `Could not split options: ${split.error} in "${clip(optionText.text)}"`, optionText, { start: 0, end: optionText.text.length });
        if (!args.text) return;
      } else {
        const parsed = parseOptions(split.tokens);
        for (const p of parsed.problems) this.finding(p.code, p.message, optionText, p.span);
        options = parsed.options;
      }
    }
    const editables = options.filter((o) => o.spec.dest === 'editables');
    if (args.text) this.readRequirement({ text: args.text, map: toDoc(args) }, editables.length > 0, options, optionText);
    else if (editables.length) this.readEditableOption(editables[0], options, optionText!);
    else this.readOptionLine(options, optionText!);
  }

  private readRequirement(req: ReqText, editable: boolean, options: ParsedOption[], optionText: MappedText | undefined): void {
    const ctx = { index: this.index, scope: this.scope };
    const result = editable ? interpretEditable(req, ctx) : interpretLine(req, ctx);
    const honoured = editable ? EDITABLE_DESTS : REQUIREMENT_DESTS;
    const ignored = options.filter((o) => !honoured.has(o.spec.dest) && !(editable && o.spec.dest === 'editables'));
    for (const o of ignored) {
      if (!optionText) break;
      this.finding('option-ignored', `pip ignores ${o.flag} on a requirement line; put it on a line of its own`, optionText, o.span, 'warning');
    }
    const range = valueRange({ start: 0, end: req.text.length }, req.map, this.index);
    if (result.kind === 'error') {
      // `${PKG_SPEC}` left unexpanded: pip expands it from the environment it runs in, which we cannot see.
      if (/\$\{[A-Z0-9_]+\}/.test(req.text)) {
        this.manifest.findings.push(syntaxFinding('requirement-syntax', `This line is a requirement only once pip expands ${/\$\{[A-Z0-9_]+\}/.exec(req.text)![0]} from its environment; ML Pins cannot check it.`, range, 'information'));
        return;
      }
      this.manifest.findings.push(syntaxFinding('requirement-syntax', result.message, range));
      return;
    }
    if (result.kind === 'unnamed') {
      this.unnamed.push(result.unnamed);
      const { target, kind } = result.unnamed;
      if (kind === 'path' && !isArchive(target) && !this.opts.constraint) {
        // A local project (`-e .`): installed with this file's indexes. Resolved against the file's folder (pip uses
        // the working directory, which is that folder when the file sits at the project root).
        const dir = this.path.slice(0, Math.max(0, this.path.lastIndexOf('/')));
        const resolvedPath = target.includes('$') || target.startsWith('~') ? undefined : posixJoin(dir, target.replace(/^file:(\/\/)?/, ''));
        (this.manifest.localInstalls ??= []).push({ target, ...(resolvedPath ? { resolvedPath } : {}), range, ...(editable ? { editable } : {}) });
      }
      if (this.opts.constraint) this.constraintProblem('Unnamed requirements are not allowed as constraints', range, 'warning');
      return;
    }
    const requirement = result.requirement;
    if (editable) requirement.editable = true;
    const hashes = options.filter((o) => o.spec.dest === 'hashes').map((o) => o.value!);
    if (hashes.length && !editable) requirement.hashes = hashes;
    this.manifest.requirements.push(requirement);
    if (this.opts.constraint && editable) this.constraintProblem('Editable requirements are not allowed as constraints', range, 'error');
    else if (this.opts.constraint && requirement.extras.length) this.constraintProblem('Constraints cannot have extras', range, 'warning');
  }

  private constraintProblem(message: string, range: Range, severity: Severity): void {
    this.manifest.findings.push(syntaxFinding('constraint-form', `${message} (pip accepts only a name and a version specifier)`, range, severity));
  }

  /** `-e target` on a line of its own: the first -e is the requirement (pip reads only one per line). */
  private readEditableOption(option: ParsedOption, options: ParsedOption[], optionText: MappedText): void {
    const value = slice(optionText, option.valueSpan!.start, option.valueSpan!.end);
    const text = value.text.trim();
    const lead = value.text.length - value.text.trimStart().length;
    const req = { text, map: shifted(toDoc(value), lead) };
    this.readRequirement(req, true, options.filter((o) => o !== option), optionText);
  }

  private readOptionLine(options: ParsedOption[], optionText: MappedText): void {
    const includes = options.filter((o) => o.spec.dest === 'requirements' || o.spec.dest === 'constraints');
    // pip follows one include per line, preferring -r over -c.
    const include = includes.find((o) => o.spec.dest === 'requirements') ?? includes[0];
    if (include) {
      this.addInclude(include, optionText);
      return;
    }
    for (const o of options) {
      if (o.spec.dest === 'hashes') {
        this.finding('option-ignored', `${o.flag} without a requirement on the line is ignored by pip`, optionText, o.span, 'warning');
      }
    }
    this.addIndexes(options, optionText);
    for (const o of options) {
      if (INDEX_KINDS[o.spec.dest] || o.spec.dest === 'hashes') continue;
      const entry: { name: string; value?: string; range: Range } = { name: o.flag, range: valueRange(o.span, toDoc(optionText), this.index) };
      if (o.value !== undefined) entry.value = o.value;
      this.manifest.options!.push(entry);
    }
  }

  private addInclude(option: ParsedOption, optionText: MappedText): void {
    const include: Include = {
      kind: option.spec.dest === 'constraints' ? 'constraint' : 'requirement',
      target: option.value!,
      range: valueRange(option.valueSpan!, toDoc(optionText), this.index),
    };
    if (!isUrl(option.value!)) include.resolvedPath = posixJoin(posixDirname(this.path), option.value!);
    this.manifest.includes.push(include);
  }

  /**
   * Index options in the order pip applies them on one line: --no-index, the last --index-url, every
   * --extra-index-url, and only the first --find-links (pip's handle_option_line).
   */
  private addIndexes(options: ParsedOption[], optionText: MappedText): void {
    const of = (dest: OptionDest) => options.filter((o) => o.spec.dest === dest);
    const noIndex = of('no_index');
    const indexUrl = of('index_url').slice(-1);
    const applied = [...noIndex.slice(0, 1), ...indexUrl, ...of('extra_index_urls'), ...of('find_links').slice(0, 1)];
    for (const o of applied) {
      const span = o.valueSpan ?? o.span;
      this.manifest.indexes.push({ kind: INDEX_KINDS[o.spec.dest]!, url: o.value ?? '', range: valueRange(span, toDoc(optionText), this.index) });
    }
    for (const o of [...of('index_url').slice(0, -1), ...of('find_links').slice(1)]) {
      this.finding('option-ignored', `Only one ${o.flag} per line takes effect in pip; this one is ignored`, optionText, o.span, 'warning');
    }
  }
}

/** The fast path's lines of the last read of each file read again lately (by path and whether read as constraints),
 *  for the next read to take those still as they were (LineReuse): a keystroke changes a line or two of a file that is
 *  read again whole. A file's first read keeps nothing (a workspace scan reads a thousand files once), its second keeps
 *  its lines. Bounded: at most READ_AGAIN files, none over MAX_KEPT_TEXT characters (the lines kept hold the text, and
 *  a requirement each: 256 K characters of pip-compile output are about 1,500 requirements, a few megabytes). */
const lastReads = new Map<string, readonly (MadeLine | undefined)[] | null>();
const READ_AGAIN = 8;
const MAX_KEPT_TEXT = 256 << 10;

function lineReuse(key: string, text: string): LineReuse | undefined {
  const before = lastReads.get(key);
  if (before === undefined) {
    remember(key, null);
    return undefined;
  }
  return text.length <= MAX_KEPT_TEXT ? { before: before ?? undefined, after: [] } : undefined;
}

function remember(key: string, lines: readonly (MadeLine | undefined)[] | null): void {
  lastReads.delete(key);
  lastReads.set(key, lines);
  if (lastReads.size > READ_AGAIN) lastReads.delete(lastReads.keys().next().value as string);
}

/** Reads a pip requirements (or constraints) file. Never throws; problems become findings. */
export function parseRequirementsFile(path: string, text: string, opts: RequirementsFileOptions = {}): ParsedManifest {
  return parseRequirementsFileDetails(path, text, opts).manifest;
}

/** As parseRequirementsFile, plus the requirements that name no package (local paths, plain URLs). */
export function parseRequirementsFileDetails(path: string, text: string, opts: RequirementsFileOptions = {}): RequirementsFileDetails {
  try {
    return new FileReader(path, text, opts).read();
  } catch (e) {
    // A bug of ours must not take the editor down: report it on the first line instead.
    const manifest: ParsedManifest = { path, kind: 'requirements', requirements: [], findings: [], indexes: [], includes: [], options: [] };
    const message = `Internal error while reading this file: ${e instanceof Error ? e.message : String(e)}`;
    manifest.findings.push(syntaxFinding('requirement-syntax', message, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }));
    return { manifest, unnamed: [] };
  }
}

/** Every line through the general path, without readSimpleLine: what the fast path must agree with (for tests). */
export function parseRequirementsFileGeneral(path: string, text: string, opts: RequirementsFileOptions = {}): RequirementsFileDetails {
  return new FileReader(path, text, opts, false).read();
}
