// setup.cfg: `[options] install_requires`, `python_requires` and `[options.extras_require]`, read the way setuptools
// reads them (configparser, then setuptools' list parsing), with exact ranges.
//
// configparser rules followed here: a line whose stripped text starts with `#` or `;` is a comment (also inside a
// multi-line value); there are no inline comments; a line indented deeper than its option line continues the value;
// option names are case-insensitive. setuptools then splits a value into lines when it spans several lines, and on
// `;` when it is a single line (so `numpy; python_version<"3.8"` on the key's own line is two entries, as
// setuptools sees it), drops lines starting with `#`, and reads `file: a.txt, b.txt` as requirement files.

import type { Finding, Include, ParsedManifest, Range, Requirement, RequirementScope } from '../../types';
import { LineIndex, compareRanges } from '../../text';
import { buildRequirement, syntaxFinding } from '../requirement';

/** A piece of a value: text on one line, starting at `offset` in the document. */
interface Piece {
  text: string;
  offset: number;
}

interface OptionValue {
  section: string;
  /** Lower-cased, as configparser's optionxform does. */
  key: string;
  keyRange: Range;
  /** The text after the delimiter on the option line, then one piece per continuation line. */
  lines: Piece[];
}

const COMMENT = /^[#;]/;
const SECTION = /^\[(.+)\]/;
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;

/** Trims a piece, keeping its offset on the first kept character. */
function trimPiece(piece: Piece): Piece {
  const lead = piece.text.length - piece.text.trimStart().length;
  return { text: piece.text.trim(), offset: piece.offset + lead };
}

/** Splits the document into options with their value lines; lines configparser would reject become findings. */
function readOptions(index: LineIndex, findings: Finding[]): OptionValue[] {
  const options: OptionValue[] = [];
  let section: string | undefined;
  let current: OptionValue | undefined;
  let optionIndent = 0;
  const seen = new Set<string>();
  for (let line = 0; line < index.lineCount; line++) {
    const raw = line === 0 ? index.lineText(0).replace(/^\uFEFF/, '') : index.lineText(line);
    const lineStart = index.lineStart(line) + (index.lineText(line).length - raw.length);
    const trimmed = raw.trim();
    if (trimmed === '' || COMMENT.test(trimmed)) continue;
    const indent = raw.length - raw.trimStart().length;
    const piece = trimPiece({ text: raw, offset: lineStart });
    if (current && indent > optionIndent) {
      current.lines.push(piece);
      continue;
    }
    current = undefined;
    optionIndent = indent;
    const header = SECTION.exec(trimmed);
    if (header) {
      section = header[1];
      continue;
    }
    const option = OPTION.exec(trimmed);
    if (!section || !option || option[1] === '') {
      const message = !section ? 'setup.cfg: this line comes before any [section] header.'
        : 'setup.cfg: expected `key = value`, a [section] header, a comment or an indented continuation line.';
      findings.push(syntaxFinding('setup-cfg-syntax', message, index.range(piece.offset, piece.offset + piece.text.length)));
      continue;
    }
    const key = option[1].toLowerCase();
    const keyRange = index.range(piece.offset, piece.offset + option[1].length);
    const valueOffset = piece.offset + trimmed.length - option[3].length;
    if (seen.has(`${section}\0${key}`)) {
      findings.push(syntaxFinding('setup-cfg-syntax', `setup.cfg: option "${key}" is set twice in [${section}].`, keyRange));
    }
    seen.add(`${section}\0${key}`);
    current = { section, key, keyRange, lines: [{ text: option[3], offset: valueOffset }] };
    options.push(current);
  }
  return options;
}

/** setuptools' `_parse_list(value, ';')`: lines when the value spans lines, else `;`-separated; blanks dropped. */
function listEntries(value: OptionValue): Piece[] {
  const pieces = value.lines.length > 1 ? value.lines : splitOnSemicolons(value.lines[0]);
  return pieces.map(trimPiece).filter((p) => p.text !== '');
}

function splitOnSemicolons(piece: Piece): Piece[] {
  const out: Piece[] = [];
  let start = 0;
  for (const part of piece.text.split(';')) {
    out.push({ text: part, offset: piece.offset + start });
    start += part.length + 1;
  }
  return out;
}

/** The directory part of a `/`- or `\`-separated path, with a trailing separator ('' for a bare file name). */
function directoryOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? '' : path.slice(0, cut + 1);
}

function resolveRelative(from: string, target: string): string {
  if (/^([a-zA-Z]:)?[\\/]/.test(target)) return target;
  return directoryOf(from) + target.replace(/^\.[\\/]/, '');
}

/** `file: a.txt, b.txt` (setuptools reads the files as requirement lists) becomes includes. */
function fileDirective(value: OptionValue, path: string, index: LineIndex): Include[] | undefined {
  const first = value.lines.map(trimPiece).find((p) => p.text !== '');
  if (!first || !first.text.startsWith('file:')) return undefined;
  const spec: Piece = { text: first.text.slice('file:'.length), offset: first.offset + 'file:'.length };
  let start = 0;
  const includes: Include[] = [];
  for (const part of spec.text.split(',')) {
    const target = trimPiece({ text: part, offset: spec.offset + start });
    start += part.length + 1;
    if (!target.text) continue;
    includes.push({
      kind: 'requirement', target: target.text, resolvedPath: resolveRelative(path, target.text),
      range: index.range(target.offset, target.offset + target.text.length),
    });
  }
  return includes;
}

/** Reads setup.cfg. Never throws; lines configparser would reject are `setup-cfg-syntax` findings. */
export function parseSetupCfg(path: string, text: string): ParsedManifest {
  const index = new LineIndex(text);
  const findings: Finding[] = [];
  const requirements: Requirement[] = [];
  const includes: Include[] = [];
  const manifest: ParsedManifest = { path, kind: 'setup-cfg', requirements, findings, indexes: [], includes };

  const readList = (value: OptionValue, scope: RequirementScope): void => {
    const files = fileDirective(value, path, index);
    if (files) {
      includes.push(...files);
      return;
    }
    for (const entry of listEntries(value)) {
      if (entry.text.startsWith('#')) continue;
      const { requirement, finding } = buildRequirement(entry.text, (i) => entry.offset + i, index, scope, path);
      if (requirement) requirements.push(requirement);
      if (finding) findings.push(finding);
    }
  };

  for (const option of readOptions(index, findings)) {
    if (option.section === 'options' && option.key === 'install_requires') {
      readList(option, { kind: 'setup-cfg', table: 'options' });
    } else if (option.section === 'options.extras_require') {
      readList(option, { kind: 'setup-cfg', name: option.key, table: 'options.extras_require' });
    } else if (option.section === 'options' && option.key === 'python_requires') {
      const value = option.lines.map(trimPiece).filter((p) => p.text !== '');
      if (value.length === 0) continue;
      const last = value[value.length - 1];
      manifest.requiresPython = {
        specifier: value.map((p) => p.text).join(' '),
        range: index.range(value[0].offset, last.offset + last.text.length),
      };
    }
  }
  findings.sort((a, b) => compareRanges(a.range, b.range));
  return manifest;
}
