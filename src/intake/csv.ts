/**
 * Just enough CSV for URL lists exported from spreadsheets: a header row naming a URL, link or
 * asset column, quoted fields (commas, quotes and line breaks inside quotes), comment lines.
 */

export interface CsvColumn {
  delimiter: string;
  /** Zero-based index of the column to read. */
  index: number;
  /** Number of columns in the header row. */
  width: number;
}

export interface CsvRecord {
  cells: string[];
  /** 1-based line the record starts on. */
  line: number;
}

// Header names people give such columns: "URL", "Image URL", "url_to_purge", "Link", "Asset ID".
function headerRank(cell: string): number {
  if (cell.length > 40 || cell.includes('/') || cell.includes(':')) return 0;
  const name = cell.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (/(^|[a-z0-9])urls?$/.test(name) || /^urls?/.test(name) || name === 'uri') return 3;
  if (/links?$/.test(name) || /^links?/.test(name)) return 2;
  if (/^assets?(ids?|names?)?$/.test(name)) return 1;
  return 0;
}

function pickDelimiter(line: string, preferTab: boolean): string {
  if (preferTab && line.includes('\t')) return '\t';
  if (line.includes('\t')) return '\t';
  if (line.includes(',')) return ',';
  if (line.includes(';')) return ';';
  return ',';
}

/** The column to read when `headerLine` is a CSV header naming one, else undefined. */
export function findCsvColumn(headerLine: string, preferTab = false): CsvColumn | undefined {
  const delimiter = pickDelimiter(headerLine, preferTab);
  const first = readRecords(headerLine, 0, 1, delimiter).next();
  if (first.done) return undefined;
  const cells = first.value.cells;
  let best = -1;
  let bestRank = 0;
  for (let i = 0; i < cells.length; i++) {
    const rank = headerRank((cells[i] ?? '').trim());
    if (rank > bestRank) {
      bestRank = rank;
      best = i;
    }
  }
  return best < 0 ? undefined : { delimiter, index: best, width: cells.length };
}

/**
 * Records of `text` from `offset` (which must be the start of a line numbered `line`). A line
 * whose first character is `#` is a comment; blank lines yield nothing.
 */
export function* readRecords(
  text: string,
  offset: number,
  line: number,
  delimiter: string,
): Generator<CsvRecord> {
  const n = text.length;
  const delim = delimiter.charCodeAt(0);
  let i = offset;
  let lineNo = line;
  while (i < n) {
    // Comment or blank line: skip it whole.
    const first = text.charCodeAt(i);
    if (first === 0x23 || first === 0x0a || first === 0x0d) {
      while (i < n && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
      i = skipNewline(text, i);
      lineNo++;
      continue;
    }
    const startLine = lineNo;
    const cells: string[] = [];
    let cell = '';
    let atRecordEnd = false;
    while (!atRecordEnd) {
      if (text.charCodeAt(i) === 0x22) {
        // Quoted field; `""` is a literal quote; line breaks inside count as lines.
        i++;
        let from = i;
        for (;;) {
          if (i >= n) {
            cell += text.slice(from, i);
            break;
          }
          const c = text.charCodeAt(i);
          if (c === 0x22) {
            cell += text.slice(from, i);
            if (text.charCodeAt(i + 1) === 0x22) {
              cell += '"';
              i += 2;
              from = i;
              continue;
            }
            i++;
            break;
          }
          if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) lineNo++;
          i++;
        }
      }
      // Unquoted part (or what follows a closing quote) up to the delimiter or line end.
      const from = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === delim || c === 0x0a || c === 0x0d) break;
        i++;
      }
      cell += text.slice(from, i);
      cells.push(cell);
      cell = '';
      if (i < n && text.charCodeAt(i) === delim) {
        i++;
        if (i >= n) {
          cells.push('');
          atRecordEnd = true;
        }
      } else {
        atRecordEnd = true;
        i = skipNewline(text, i);
        lineNo++;
      }
    }
    yield { cells, line: startLine };
  }
}

function skipNewline(text: string, i: number): number {
  if (text.charCodeAt(i) === 0x0d) return text.charCodeAt(i + 1) === 0x0a ? i + 2 : i + 1;
  if (text.charCodeAt(i) === 0x0a) return i + 1;
  return i;
}
